import Testing
import WAGateCloud
import WAGateCore

/// Every error code the reference (`reference/cloudapi.md` §3.2) names, with the class it must get.
@Suite struct GraphErrorClassifierTests {
    static let referenceTable: [(code: Int, expected: GraphErrorClass)] = [
        (0, .credentialsInvalid), (190, .credentialsInvalid),
        (3, .accountBlocked), (10, .accountBlocked), (200, .accountBlocked), (250, .accountBlocked),
        (299, .accountBlocked), (131005, .accountBlocked),
        (4, .throttled(.app)), (80007, .throttled(.businessAccount)), (130429, .throttled(.phoneNumber)),
        (131048, .throttled(.phoneNumber)), (131056, .throttled(.recipient)), (131057, .throttled(.phoneNumber)),
        (131064, .accountBlocked), (133016, .throttled(.phoneNumber)),
        (368, .accountBlocked), (131031, .accountBlocked), (130497, .accountBlocked),
        (100, .permanent), (131008, .permanent), (131009, .permanent),
        (131000, .transient), (1, .transient), (2, .transient), (131016, .transient),
        (131026, .permanent), (131047, .outsideCustomerServiceWindow),
        (131049, .permanent), (131050, .permanent), (131051, .permanent),
        (131052, .permanent), (131053, .permanent), (131062, .permanent), (130472, .permanent),
        (132000, .permanent), (132001, .permanent), (132005, .permanent), (132007, .permanent),
        (132012, .permanent), (132015, .permanent), (132016, .permanent),
        (133010, .accountBlocked), (137000, .permanent),
    ]

    @Test(arguments: referenceTable)
    func everyReferenceCodeHasItsClass(code: Int, expected: GraphErrorClass) {
        #expect(GraphErrorClassifier.classify(code: code) == expected)
        // The HTTP status does not change a known code's class (the same code comes with 400 or 429).
        for status in [400, 403, 429, 500, 503] {
            #expect(GraphErrorClassifier.classify(code: code, httpStatus: status) == expected)
        }
        // Nor does `failed`-status delivery.
        #expect(GraphErrorClassifier.classify(SendFailure(code: code, title: "t")) == expected)
    }

    struct Fallback: Sendable {
        var code: Int?
        var status: Int?
        var transient: Bool?
        var expected: GraphErrorClass
    }

    static let fallbacks = [
        Fallback(code: 999_999, status: 500, transient: nil, expected: .transient),
        Fallback(code: 999_999, status: 503, transient: nil, expected: .transient),
        Fallback(code: 999_999, status: 400, transient: nil, expected: .permanent),
        Fallback(code: 999_999, status: 400, transient: true, expected: .transient),
        Fallback(code: 999_999, status: 400, transient: false, expected: .permanent),
        Fallback(code: 999_999, status: 429, transient: nil, expected: .throttled(.phoneNumber)),
        Fallback(code: nil, status: 502, transient: nil, expected: .transient),
        Fallback(code: nil, status: 404, transient: nil, expected: .permanent),
        Fallback(code: nil, status: nil, transient: nil, expected: .transient),
        Fallback(code: 136024, status: 400, transient: false, expected: .permanent),
    ]

    @Test(arguments: fallbacks)
    func unknownCodesFallBackOnStatusAndTransience(_ fallback: Fallback) {
        #expect(
            GraphErrorClassifier.classify(code: fallback.code, httpStatus: fallback.status, isTransient: fallback.transient)
                == fallback.expected)
    }

    @Test func onlyThrottlingAndTransientErrorsAreRetried() {
        for (_, expected) in Self.referenceTable {
            switch expected {
            case .throttled, .transient:
                #expect(expected.isRetryable)
                #expect(expected.retryDelay(attempt: 0) != nil)
            default:
                #expect(!expected.isRetryable)
                #expect(expected.retryDelay(attempt: 0) == nil)
            }
        }
    }

    @Test func pairRateLimitBacksOffByPowersOfFour() {
        let recipient = GraphErrorClass.throttled(.recipient)
        #expect((0..<5).map { recipient.retryDelay(attempt: $0) } == [1, 4, 16, 64, 256].map { .seconds($0) })
        #expect(recipient.retryDelay(attempt: 20) == .seconds(1024))
        #expect(GraphErrorClass.throttled(.phoneNumber).retryDelay(attempt: 10) == .seconds(60))
        #expect(GraphErrorClass.transient.retryDelay(attempt: 2) == .seconds(4))
    }
}
