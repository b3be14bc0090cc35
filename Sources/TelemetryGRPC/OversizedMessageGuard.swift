import NIOCore
import NIOHPACK
import NIOHTTP2

/// Answers RESOURCE_EXHAUSTED for a gRPC message over the limit, whatever its size.
///
/// Why: grpc-swift-nio-transport (2.9.2) checks a message's length prefix against
/// `maxRequestPayloadSize` in `GRPCMessageDecoder.decode(buffer:)`, but the server's state machine
/// turns that error into `forwardErrorAndClose_serverOnly` (`GRPCStreamStateMachine.serverReceive`,
/// "Failed to decode message"), and `GRPCServerStreamHandler.channelRead` then closes the stream
/// without a status: the client sees RST_STREAM(CANCEL), i.e. CANCELLED. So this handler sits
/// first in each HTTP/2 stream's pipeline, in front of the transport's stream handler, and reads
/// the 5-byte length prefixes of the messages going by (nothing is buffered). A prefix over the
/// limit gets a trailers-only response with `grpc-status: 8` and RST_STREAM(NO_ERROR) at once (as
/// RFC 9113 §8.1 allows a server that answered before the request's end); the message is never
/// read. A compressed message within the limit whose inflated size passes the transport's limit
/// fails in the transport's decoder while this handler forwards its last bytes: the stream
/// handler's close is turned into the same answer (the decoder does not tell a message too large
/// once inflated from corrupt compressed bytes, so the message says both).
final class OversizedMessageGuard: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    /// The largest message, in bytes, as sent and as inflated.
    let limit: Int
    /// The prefix bytes of the current message read so far (0…5).
    private var prefix: [UInt8] = []
    /// Body bytes of the current message still to go by.
    private var remaining = 0
    /// True while a DATA frame is forwarded whose bytes end a compressed message.
    private var forwardingCompressedEnd = false
    private var headersSent = false
    /// Trailers went out (the RPC's, or this handler's answer).
    private var answered = false
    /// This handler answered: the rest of the request is dropped unread.
    private var refused = false
    private var reset = false

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if refused { return }
        switch frame {
        case .rstStream:
            reset = true
        case .data(let payload):
            guard case .byteBuffer(let buffer) = payload.data else { break }
            switch scan(buffer) {
            case .oversized(let length):
                answer(context, message: "the message is \(length) bytes, over the limit of \(limit) bytes")
                return
            case .endsCompressed:
                forwardingCompressedEnd = true
                context.fireChannelRead(data)
                forwardingCompressedEnd = false
                return
            case .fine:
                break
            }
        default:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .headers(let headers) = unwrapOutboundIn(data) {
            if headers.endStream { answered = true } else { headersSent = true }
        }
        context.write(data, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // The transport's decoder failed on the compressed message just forwarded: answer instead
        // of the bare reset the stream handler's close would send.
        if forwardingCompressedEnd, !answered, !reset, context.channel.isActive {
            answer(context, message: "the message is over \(limit) bytes once decompressed, or its compressed bytes are corrupt")
            if let promise { context.channel.closeFuture.cascade(to: promise) }
            return
        }
        context.close(mode: mode, promise: promise)
    }

    /// What one DATA frame's bytes hold.
    private enum Scan {
        case fine
        case oversized(Int)
        case endsCompressed
    }

    /// Follows the gRPC framing (1 byte compressed flag, 4 bytes big-endian length, the message).
    private func scan(_ buffer: ByteBuffer) -> Scan {
        var result = Scan.fine
        var index = buffer.readerIndex
        let end = buffer.writerIndex
        while index < end {
            if remaining > 0 {
                let skip = min(remaining, end - index)
                remaining -= skip
                index += skip
                if remaining == 0, prefix.first == 1 { result = .endsCompressed }
                continue
            }
            if prefix.count == 5 { prefix.removeAll(keepingCapacity: true) }
            guard let byte = buffer.getInteger(at: index, as: UInt8.self) else { break }
            prefix.append(byte)
            index += 1
            guard prefix.count == 5 else { continue }
            let length = prefix[1...].reduce(0) { $0 << 8 | Int($1) }
            if length > limit { return .oversized(length) }
            remaining = length
            if length == 0, prefix[0] == 1 { result = .endsCompressed }
        }
        return result
    }

    /// A trailers-only RESOURCE_EXHAUSTED (or trailers, when headers went out), then RST_STREAM(NO_ERROR).
    private func answer(_ context: ChannelHandlerContext, message: String) {
        answered = true
        refused = true
        var fields: HPACKHeaders = headersSent ? [:] : [":status": "200", "content-type": "application/grpc"]
        fields.add(name: "grpc-status", value: "8")
        fields.add(name: "grpc-message", value: message)
        context.write(wrapOutboundOut(.headers(.init(headers: fields, endStream: true))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.rstStream(.noError)), promise: nil)
    }
}
