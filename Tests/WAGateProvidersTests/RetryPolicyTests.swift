import Foundation
import NIOHTTP1
import Testing

@testable import WAGateProviders

@Suite struct RetryPolicyTests {
    @Test func onlyTransientStatusesAreRetried() {
        for status in [408, 409, 429, 500, 502, 503, 504, 529] { #expect(RetryPolicy.isRetryable(status: status)) }
        for status in [400, 401, 403, 404, 413, 422] { #expect(!RetryPolicy.isRetryable(status: status)) }
    }

    @Test func backoffDoublesWithJitterUpToTheCap() {
        let policy = RetryPolicy(maxRetries: 6, initialDelay: .milliseconds(500), maximumDelay: .seconds(4), jitter: 0.25)
        var random = SystemRandomNumberGenerator()
        let bases: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)]
        for (index, base) in bases.enumerated() {
            for _ in 0..<50 {
                let delay = policy.delay(beforeRetry: index + 1, retryAfter: nil, using: &random)
                #expect(delay.map { $0 <= base && $0 >= base * 0.75 } == true, "retry \(index + 1): \(String(describing: delay))")
            }
        }
        #expect(policy.delay(beforeRetry: 7, retryAfter: nil, using: &random) == nil)
        #expect(RetryPolicy(maxRetries: 0).delay(beforeRetry: 1, retryAfter: .seconds(1), using: &random) == nil)
    }

    @Test func retryAfterIsHonouredUnlessItIsTooLong() {
        let policy = RetryPolicy(maxRetries: 2, maximumRetryAfter: .seconds(30))
        var random = SystemRandomNumberGenerator()
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(7), using: &random) == .seconds(7))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(31), using: &random) == nil)
    }

    @Test func retryAfterHeadersAreRead() {
        #expect(RetryPolicy.retryAfter(in: ["retry-after": "3"]) == .seconds(3))
        #expect(RetryPolicy.retryAfter(in: ["retry-after": "1.5"]) == .milliseconds(1500))
        #expect(RetryPolicy.retryAfter(in: ["retry-after-ms": "250", "retry-after": "9"]) == .milliseconds(250))
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // Wed, 21 Oct 2015 07:27:50 GMT
        #expect(RetryPolicy.retryAfter(in: ["retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"], now: now) == .seconds(10))
        #expect(RetryPolicy.retryAfter(in: ["retry-after": "soon"]) == nil)
        #expect(RetryPolicy.retryAfter(in: [:]) == nil)
    }
}
