import WAGateCore

/// What every connection shares from its server.
struct ControlServerContext: Sendable {
    var configuration: ControlServerConfiguration
    var methods: ControlMethods
    var eventBus: EventBus
    var audit: ControlAuditHandler?
}
