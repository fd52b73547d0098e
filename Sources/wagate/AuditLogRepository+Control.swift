import Logging
import WAGateControl
import WAGateCore
import WAGateStore

extension AuditLogRepository {
    /// Writes one audit row for a mutating control call: who (peer uid/pid), what, on which account, how
    /// it ended. Params are stored as received: the control methods take no secrets.
    func record(context: ControlRequestContext, method: String, params: JSONValue, outcome: ControlCallOutcome, logger: Logger) async {
        let outcomeText: String
        switch outcome {
        case .success: outcomeText = "ok"
        case .failure(let error): outcomeText = error.kind
        }
        do {
            try await append(
                actor: "uid:\(context.peer.uid) pid:\(context.peer.pid)", method: method, accountID: params["account"]?.stringValue,
                outcome: outcomeText, details: params.jsonString())
        } catch {
            logger.error("cannot write the audit log", metadata: ["method": "\(method)", "error": "\(error)"])
        }
    }
}
