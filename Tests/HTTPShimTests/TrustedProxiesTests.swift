import HTTPShim
import Testing

/// Which address a request's client is, with and without trusted proxies.
struct TrustedProxiesTests {
    @Test func theHeaderIsIgnoredFromAPeerThatIsNotTrusted() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8"])
        #expect(proxies.clientAddress(peer: "198.51.100.4", forwardedFor: ["203.0.113.9"]) == "198.51.100.4")
        #expect(TrustedProxies.none.clientAddress(peer: "10.1.2.3", forwardedFor: ["203.0.113.9"]) == "10.1.2.3")
    }

    @Test func theRightmostUntrustedHopIsTheClient() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "2001:db8::/32"])
        // The client forged the first entry; the proxies appended the rest.
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 203.0.113.9", "10.0.0.1"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "2001:db8::1", forwardedFor: ["2001:db8::2, 198.51.100.7"]) == "198.51.100.7")
        // Every hop trusted: the leftmost.
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["10.9.9.9, 10.0.0.1"]) == "10.9.9.9")
        // A hop that is not an address stops the walk at the trusted address to its right.
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["<script>, 10.0.0.1"]) == "10.0.0.1")
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["::ffff:203.0.113.9"]) == "203.0.113.9")
    }

    @Test func entriesThatAreNotAddressesAreRefused() {
        #expect(throws: TrustedProxies.InvalidEntry.self) { try TrustedProxies(["10.0.0.0/33"]) }
        #expect(throws: TrustedProxies.InvalidEntry.self) { try TrustedProxies(["proxy.example"]) }
        #expect(throws: Never.self) { try TrustedProxies(["127.0.0.1", " ::1 ", "fd00::/8"]) }
    }
}
