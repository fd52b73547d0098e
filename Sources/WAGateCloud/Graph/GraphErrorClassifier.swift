import WAGateCore

/// The table from Cloud API error codes to what the gateway does (`reference/cloudapi.md` §3.2).
///
/// Meta asks for handling by `error.code` (and `error_data.details`), not by title or HTTP status:
/// the same throttling code has been seen with 400 and 429. The HTTP status and `is_transient` only
/// decide codes the table does not know.
///
/// ```swift
/// switch GraphErrorClassifier.classify(code: 131056) {
/// case .throttled(.recipient): delayMessages(to: recipient)
/// ...
/// }
/// ```
public enum GraphErrorClassifier {
    /// Every code the gateway knows, with its class.
    public static let knownCodes: [Int: GraphErrorClass] = {
        var table: [Int: GraphErrorClass] = [
            // Token.
            0: .credentialsInvalid, 190: .credentialsInvalid,
            // Permissions, capabilities, blocks: the operator has to act.
            3: .accountBlocked, 10: .accountBlocked, 131005: .accountBlocked, 368: .accountBlocked,
            131031: .accountBlocked, 130497: .accountBlocked, 131064: .accountBlocked, 133010: .accountBlocked,
            // Rate limits.
            4: .throttled(.app), 80007: .throttled(.businessAccount), 130429: .throttled(.phoneNumber),
            131048: .throttled(.phoneNumber), 131057: .throttled(.phoneNumber), 133016: .throttled(.phoneNumber),
            131056: .throttled(.recipient),
            // The 24-hour customer service window.
            131047: .outsideCustomerServiceWindow,
            // Meta's side, passing.
            1: .transient, 2: .transient, 131000: .transient, 131016: .transient,
            // This message: bad parameters, undeliverable, opted out, media, templates, identity.
            100: .permanent, 131008: .permanent, 131009: .permanent, 131026: .permanent, 131049: .permanent,
            131050: .permanent, 131051: .permanent, 131052: .permanent, 131053: .permanent, 131062: .permanent,
            130472: .permanent, 132000: .permanent, 132001: .permanent, 132005: .permanent, 132007: .permanent,
            132012: .permanent, 132015: .permanent, 132016: .permanent, 137000: .permanent,
        ]
        // "200–299": the Graph API's permission error range.
        for code in 200...299 { table[code] = .accountBlocked }
        return table
    }()

    /// Classifies an error.
    /// - Parameters:
    ///   - code: the Graph `error.code` (or a `failed` status's error code); `nil` when there was no
    ///     error body.
    ///   - httpStatus: the response status, when there was a response.
    ///   - isTransient: the body's `is_transient`, when given.
    /// - Returns: the table's class for a known code; for any other code, `.transient` when Meta says
    ///   so or the status is 5xx, `.throttled(.phoneNumber)` for 429, else `.permanent`.
    public static func classify(code: Int?, httpStatus: Int? = nil, isTransient: Bool? = nil) -> GraphErrorClass {
        if let code, let known = knownCodes[code] { return known }
        if isTransient == true { return .transient }
        if let httpStatus {
            if httpStatus >= 500 { return .transient }
            if httpStatus == 429 { return .throttled(.phoneNumber) }
        }
        return code == nil && httpStatus == nil ? .transient : .permanent
    }

    /// Classifies a synchronous Graph error.
    public static func classify(_ error: GraphAPIError) -> GraphErrorClass {
        classify(code: error.code, httpStatus: error.httpStatus, isTransient: error.isTransient)
    }

    /// Classifies an error that came with a `failed` status webhook.
    public static func classify(_ failure: SendFailure) -> GraphErrorClass {
        classify(code: failure.code)
    }
}
