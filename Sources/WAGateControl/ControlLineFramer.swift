import Logging
import NIOCore
import WAGateCore

/// What the line framer hands to the connection logic.
enum ControlInboundFrame: Sendable {
    /// One line, without `\n` or `\r\n`; never empty or only blanks.
    case line(ByteBuffer)
    /// A line (complete or still partial) exceeded the limit. The framer discards all further input; the
    /// connection answers `gw.LineTooLong` and closes.
    case lineTooLong
}

/// Splits a byte stream into newline-terminated lines, enforcing the line limit and the partial-line timeout.
///
/// Written by hand rather than with `LineBasedFrameDecoder` (swift-nio-extras is not a dependency) and because
/// that decoder only checks the limit for unterminated lines: a complete over-long line arriving in one read
/// would pass. Here both are checked.
///
/// Partial-line timeout: from the first byte of an unterminated line, the rest must arrive within
/// `partialLineTimeout`; otherwise the framer writes a `gw.PartialLineTimeout` error and closes the channel.
/// While the connection is not reading (back-pressure: the consumer is at its in-flight limit) the client is not
/// at fault, so the timer only fires while a read is outstanding; otherwise it is re-armed.
///
/// At end of input (`inputClosed`), a non-empty unterminated last line is delivered as a line, so
/// `printf '{...}' | socat - UNIX-CONNECT:...` works without a trailing newline.
final class ControlLineFramer: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ControlInboundFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maxLineBytes: Int
    private let partialLineTimeout: TimeAmount?
    private let logger: Logger

    /// Bytes of the current unterminated line (and of complete lines not yet split off, inside `channelRead`).
    private var cumulation: ByteBuffer?
    /// How many bytes at the start of `cumulation` are known to contain no newline.
    private var scanned = 0
    /// After a too-long line: everything else is ignored.
    private var discarding = false
    private var partialTimer: Scheduled<Void>?
    /// Whether a `read()` went down the pipeline since the last `channelReadComplete`, i.e. we are waiting for
    /// the peer rather than holding back.
    private var readOutstanding = false

    /// - Parameters:
    ///   - maxLineBytes: The longest accepted line, without its terminator.
    ///   - partialLineTimeout: How long an unterminated line may stay incomplete; `nil` for no limit (client).
    ///   - logger: For the timeout notice.
    init(maxLineBytes: Int, partialLineTimeout: TimeAmount?, logger: Logger) {
        self.maxLineBytes = maxLineBytes
        self.partialLineTimeout = partialLineTimeout
        self.logger = logger
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discarding else { return }
        var incoming = unwrapInboundIn(data)
        if cumulation == nil {
            cumulation = incoming
        } else {
            cumulation!.writeBuffer(&incoming)
        }
        extractLines(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readOutstanding = false
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            deliverLastLine(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        readOutstanding = true
        context.read()
    }

    // MARK: Framing

    private func extractLines(context: ChannelHandlerContext) {
        guard var buffer = cumulation else { return }
        // Work on a local copy with `cumulation` cleared so that appending/slicing does not copy the storage.
        cumulation = nil
        while !discarding {
            let view = buffer.readableBytesView
            guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = view.count
                // One byte of slack: the partial line may end in the "\r" of a "\r\n".
                if view.count > maxLineBytes + 1 { tooLong(context: context) }
                break
            }
            let length = newline - view.startIndex
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            scanned = 0
            if line.readableBytesView.last == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            if line.readableBytes > maxLineBytes {
                tooLong(context: context)
                break
            }
            if Self.isBlank(line) { continue }
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        if !discarding, buffer.readableBytes > 0 {
            if buffer.readerIndex > 65_536 { buffer.discardReadBytes() }
            cumulation = buffer
        }
        updateTimer(context: context)
    }

    private func deliverLastLine(context: ChannelHandlerContext) {
        cancelTimer()
        guard !discarding, var line = cumulation else { return }
        cumulation = nil
        scanned = 0
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        if line.readableBytes > maxLineBytes {
            tooLong(context: context)
        } else if !Self.isBlank(line) {
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
    }

    private func tooLong(context: ChannelHandlerContext) {
        discarding = true
        cumulation = nil
        cancelTimer()
        context.fireChannelRead(wrapInboundOut(.lineTooLong))
    }

    private static func isBlank(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    // MARK: Partial-line timer

    private func updateTimer(context: ChannelHandlerContext) {
        guard let timeout = partialLineTimeout else { return }
        if cumulation == nil {
            cancelTimer()
        } else if partialTimer == nil {
            armTimer(context: context, timeout: timeout)
        }
    }

    private func armTimer(context: ChannelHandlerContext, timeout: TimeAmount) {
        partialTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.partialTimerFired(context: context, timeout: timeout)
        }
    }

    private func partialTimerFired(context: ChannelHandlerContext, timeout: TimeAmount) {
        partialTimer = nil
        guard cumulation != nil, !discarding else { return }
        guard readOutstanding else {
            // We are not reading (back-pressure), so the line cannot complete: not the peer's fault.
            armTimer(context: context, timeout: timeout)
            return
        }
        logger.notice("control connection closed: partial line timeout")
        discarding = true
        cumulation = nil
        let error = ControlError.invalidRequest(
            "incomplete line: no newline within the partial-line timeout", kind: "gw.PartialLineTimeout")
        context.writeAndFlush(wrapOutboundOut(ControlWire.errorResponse(id: .null, error: error)), promise: nil)
        context.close(promise: nil)
    }

    private func cancelTimer() {
        partialTimer?.cancel()
        partialTimer = nil
    }
}
