#!/usr/bin/env python3
"""gen_pcap.py - captures with known patterns for the online-monitoring engine's tests and
benchmark (python3 standard library only).

  gen_pcap.py scenario --out FILE [--format pcap|pcapng] [--link eth|sll|raw]
                       [--manifest FILE] [--truncate]
      The product under test (192.168.1.10, fd00::10) over about eleven minutes: DNS answers
      tying names to addresses (one through a CNAME, one from a resolver nobody declared), TLS
      ClientHellos with SNI to declared and undeclared hosts (over VLAN 100 and over IPv6), HTTP
      with Host and Basic authentication, FTP with USER/PASS, a 2 MB upload to an undeclared
      host, an inbound Telnet-like session to an undeclared listening port and an HTTPS one to
      a declared port, a refused probe, a ten-minute session, repeated beacons, SSH, NTP with IP
      fragments (double-tagged 802.1ad/802.1Q), ICMPv6 and ARP. --link sll writes Linux cooked
      capture, raw writes raw IP (no ARP, no tags). --truncate cuts the file inside a packet.
      --manifest writes what the file holds: packet numbers of each pattern's first packet, the
      findings a declaration-aware analysis must give, and the totals.
  gen_pcap.py declaration --out FILE
      The provider's declaration that matches the scenario.
  gen_pcap.py bench --out FILE [--packets N] [--format pcap|pcapng]
      The benchmark capture: N packets (default 1,000,000, about 1 GB) of DNS lookups followed by
      TLS downloads over many concurrent flows, written quickly from per-flow templates.
"""

import argparse
import json
import random
import socket
import struct
import sys

T0 = 1772442000 * 1000000  # 2026-03-02T09:00:00Z in microseconds

DEV = "192.168.1.10"
DEV6 = "fd00::10"
DEV_MAC = bytes.fromhex("020000000010")
GW_MAC = bytes.fromhex("020000000001")
LAN_PEER = "192.168.1.50"
LAN_PEER_MAC = bytes.fromhex("020000000050")

LINKTYPE = {"eth": 1, "sll": 113, "raw": 101}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def is6(addr):
    return ":" in addr


def aton(addr):
    return socket.inet_pton(socket.AF_INET6 if is6(addr) else socket.AF_INET, addr)


class Frame:
    """One packet: the IP datagram plus what the link layer needs."""

    __slots__ = ("ts", "ip", "ethertype", "src_mac", "dst_mac", "vlans", "outgoing", "seq")

    def __init__(self, ts, ip, ethertype, src_mac, dst_mac, vlans, outgoing):
        self.ts, self.ip, self.ethertype = ts, ip, ethertype
        self.src_mac, self.dst_mac, self.vlans, self.outgoing = src_mac, dst_mac, vlans, outgoing
        self.seq = 0

    def link(self, kind):
        if kind == "raw":
            return self.ip
        if kind == "sll":
            ptype = 4 if self.outgoing else 0
            return struct.pack("!HHH8sH", ptype, 1, 6, self.src_mac + b"\0\0", self.ethertype) + self.ip
        hdr = self.dst_mac + self.src_mac
        for i, vid in enumerate(self.vlans):
            tpid = 0x88A8 if (len(self.vlans) > 1 and i == 0) else 0x8100
            hdr += struct.pack("!HH", tpid, vid)
        return hdr + struct.pack("!H", self.ethertype) + self.ip


class Net:
    """Builds IPv4/IPv6 datagrams with TCP, UDP, ICMPv6 and fragments, and keeps the frames."""

    def __init__(self):
        self.frames = []
        self.ipid = 1000
        self.tags = {}

    def mac_pair(self, src, dst):
        def mac(a):
            if a in (DEV, DEV6):
                return DEV_MAC
            if a == LAN_PEER:
                return LAN_PEER_MAC
            return GW_MAC

        return mac(src), mac(dst)

    def add(self, ts, ip, v6, src, dst, vlans=(), tag=None):
        smac, dmac = self.mac_pair(src, dst)
        f = Frame(ts, ip, 0x86DD if v6 else 0x0800, smac, dmac, tuple(vlans), src in (DEV, DEV6))
        f.seq = len(self.frames)
        self.frames.append(f)
        if tag and tag not in self.tags:
            self.tags[tag] = f
        return f

    def ip4(self, src, dst, proto, payload, frag_off=0, more=False, ident=None):
        if ident is None:
            self.ipid = (self.ipid + 1) & 0xFFFF
            ident = self.ipid
        flags = (0x2000 if more else 0) | (frag_off // 8) | (0x4000 if (frag_off == 0 and not more) else 0)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, proto, 0,
                          aton(src), aton(dst))
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return hdr + payload

    def ip6(self, src, dst, nh, payload):
        return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, aton(src), aton(dst)) + payload

    def l4sum(self, src, dst, proto, seg):
        if is6(src):
            pseudo = aton(src) + aton(dst) + struct.pack("!IxxxB", len(seg), proto)
        else:
            pseudo = aton(src) + aton(dst) + struct.pack("!BBH", 0, proto, len(seg))
        return csum(pseudo + seg)

    def ip(self, src, dst, proto, seg):
        return self.ip6(src, dst, proto, seg) if is6(src) else self.ip4(src, dst, proto, seg)

    def tcp(self, ts, src, sport, dst, dport, flags, seq, ack, data=b"", vlans=(), tag=None):
        seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags,
                          64240, 0, 0) + data
        c = self.l4sum(src, dst, 6, seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
        return self.add(ts, self.ip(src, dst, 6, seg), is6(src), src, dst, vlans, tag)

    def udp(self, ts, src, sport, dst, dport, data, vlans=(), tag=None):
        seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
        c = self.l4sum(src, dst, 17, seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
        return self.add(ts, self.ip(src, dst, 17, seg), is6(src), src, dst, vlans, tag)

    def udp_fragmented(self, ts, src, sport, dst, dport, data, mtu=1500, vlans=(), tag=None):
        seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
        c = self.l4sum(src, dst, 17, seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
        self.ipid = (self.ipid + 1) & 0xFFFF
        ident, off, step = self.ipid, 0, (mtu - 20) // 8 * 8
        while off < len(seg):
            part = seg[off:off + step]
            more = off + step < len(seg)
            self.add(ts, self.ip4(src, dst, 17, part, off, more, ident), False, src, dst, vlans, tag)
            tag = None
            ts += 50
            off += step
        return ts

    def icmp6_echo(self, ts, src, dst, ident, seqn, reply=False, tag=None):
        body = struct.pack("!BBHHH", 129 if reply else 128, 0, 0, ident, seqn) + b"netreview-ping" * 4
        c = self.l4sum(src, dst, 58, body)
        body = body[:2] + struct.pack("!H", c) + body[4:]
        return self.add(ts, self.ip6(src, dst, 58, body), True, src, dst, (), tag)

    def arp(self, ts, request):
        if request:
            body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, DEV_MAC, aton(DEV), b"\0" * 6,
                               aton("192.168.1.1"))
            f = Frame(ts, body, 0x0806, DEV_MAC, b"\xff" * 6, (), True)
        else:
            body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, GW_MAC, aton("192.168.1.1"), DEV_MAC,
                               aton(DEV))
            f = Frame(ts, body, 0x0806, GW_MAC, DEV_MAC, (), False)
        f.seq = len(self.frames)
        self.frames.append(f)


class Tcp:
    """A TCP connection: handshake, data both ways with ACKs, and the close."""

    def __init__(self, net, ts, cli, cport, srv, sport, vlans=(), tag=None):
        self.n, self.ts, self.cli, self.cport, self.srv, self.sport = net, ts, cli, cport, srv, sport
        self.vlans, self.tag = vlans, tag
        self.cseq, self.sseq = random.randrange(1 << 31), random.randrange(1 << 31)

    def _pkt(self, from_cli, flags, data=b"", tag=None):
        self.ts += 1000
        if from_cli:
            self.n.tcp(self.ts, self.cli, self.cport, self.srv, self.sport, flags, self.cseq, self.sseq, data,
                       self.vlans, tag)
            self.cseq += len(data) + (1 if flags & 0x03 else 0)
        else:
            self.n.tcp(self.ts, self.srv, self.sport, self.cli, self.cport, flags, self.sseq, self.cseq, data,
                       self.vlans, tag)
            self.sseq += len(data) + (1 if flags & 0x03 else 0)

    def open(self):
        self.ts += 1000
        self.n.tcp(self.ts, self.cli, self.cport, self.srv, self.sport, 0x02, self.cseq, 0, b"", self.vlans,
                   self.tag)
        self.cseq += 1
        self._pkt(False, 0x12)
        self._pkt(True, 0x10)
        return self

    def send(self, from_cli, data, ack=True, tag=None, mss=1448):
        for i in range(0, max(len(data), 1), mss):
            self._pkt(from_cli, 0x18, data[i:i + mss], tag if i == 0 else None)
            if ack:
                self._pkt(not from_cli, 0x10)
        return self

    def at(self, ts):
        self.ts = max(self.ts, ts)
        return self

    def close(self):
        self._pkt(True, 0x11)
        self._pkt(False, 0x11)
        self._pkt(True, 0x10)
        return self

    def refused(self):
        self.ts += 1000
        self.n.tcp(self.ts, self.cli, self.cport, self.srv, self.sport, 0x02, self.cseq, 0, b"", self.vlans,
                   self.tag)
        self.ts += 1000
        self.n.tcp(self.ts, self.srv, self.sport, self.cli, self.cport, 0x14, 0, self.cseq + 1, b"",
                   self.vlans)
        return self


# --- application payloads ------------------------------------------------------------------------


def dns_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_query(ident, name, qtype=1):
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", qtype, 1)


def dns_response(ident, name, answers, qtype=1):
    """answers: list of (owner, type, value) with type "A", "AAAA" or "CNAME"."""
    body = struct.pack("!HHHHHH", ident, 0x8180, 1, len(answers), 0, 0) + dns_name(name)
    body += struct.pack("!HH", qtype, 1)
    for owner, typ, value in answers:
        owner_b = b"\xc0\x0c" if owner == name else dns_name(owner)
        if typ == "A":
            body += owner_b + struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_pton(socket.AF_INET, value)
        elif typ == "AAAA":
            body += owner_b + struct.pack("!HHIH", 28, 1, 300, 16) + socket.inet_pton(socket.AF_INET6, value)
        else:
            target = dns_name(value)
            body += owner_b + struct.pack("!HHIH", 5, 1, 300, len(target)) + target
    return body


def tls_client_hello(sni):
    rnd = bytes(random.randrange(256) for _ in range(32))
    sid = bytes(random.randrange(256) for _ in range(32))
    suites = struct.pack("!9H", 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8)
    name = sni.encode()
    ext = b""
    sn = struct.pack("!BH", 0, len(name)) + name
    ext += struct.pack("!HHH", 0, len(sn) + 2, len(sn)) + sn
    groups = struct.pack("!HHH", 0x001D, 0x0017, 0x0018)
    ext += struct.pack("!HHH", 10, len(groups) + 2, len(groups)) + groups
    ext += struct.pack("!HHB", 11, 2, 1) + b"\0"
    alpn = b"\x02h2\x08http/1.1"
    ext += struct.pack("!HHH", 16, len(alpn) + 2, len(alpn)) + alpn
    ext += struct.pack("!HHB", 43, 5, 4) + struct.pack("!HH", 0x0304, 0x0303)
    sigs = struct.pack("!4H", 0x0403, 0x0804, 0x0401, 0x0503)
    ext += struct.pack("!HHH", 13, len(sigs) + 2, len(sigs)) + sigs
    ks = struct.pack("!HH", 0x001D, 32) + bytes(random.randrange(256) for _ in range(32))
    ext += struct.pack("!HHH", 51, len(ks) + 2, len(ks)) + ks
    body = struct.pack("!H", 0x0303) + rnd + bytes([len(sid)]) + sid + struct.pack("!H", len(suites)) + suites
    body += b"\x01\x00" + struct.pack("!H", len(ext)) + ext
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def tls_server_hello():
    rnd = bytes(random.randrange(256) for _ in range(32))
    sid = bytes(random.randrange(256) for _ in range(32))
    ext = struct.pack("!HHH", 43, 2, 0x0304)
    ks = struct.pack("!HH", 0x001D, 32) + bytes(random.randrange(256) for _ in range(32))
    ext += struct.pack("!HH", 51, len(ks)) + ks
    body = struct.pack("!H", 0x0303) + rnd + bytes([len(sid)]) + sid + struct.pack("!HB", 0x1301, 0)
    body += struct.pack("!H", len(ext)) + ext
    hs = b"\x02" + struct.pack("!I", len(body))[1:] + body
    out = b"\x16\x03\x03" + struct.pack("!H", len(hs)) + hs
    out += b"\x14\x03\x03\x00\x01\x01"
    return out + tls_app(400)


def tls_app(n):
    return b"\x17\x03\x03" + struct.pack("!H", n) + bytes(random.randrange(256) for _ in range(n))


def tls_app_bulk(total):
    """Application data records of up to 16 kB holding `total` bytes of ciphertext."""
    out = b""
    filler = bytes(random.randrange(256) for _ in range(16384))
    while total > 0:
        n = min(total, 16384)
        out += b"\x17\x03\x03" + struct.pack("!H", n) + filler[:n]
        total -= n
    return out


def tls_session(net, ts, cli, cport, srv, sni, up=800, down=4000, vlans=(), tag=None, close=True):
    s = Tcp(net, ts, cli, cport, srv, 443, vlans, tag).open()
    s.send(True, tls_client_hello(sni), tag=(tag + ":hello") if tag else None)
    s.send(False, tls_server_hello())
    s.send(True, b"\x14\x03\x03\x00\x01\x01" + tls_app(74))
    if up:
        s.send(True, tls_app_bulk(up))
    if down:
        s.send(False, tls_app_bulk(down))
    if close:
        s.close()
    return s


# --- the scenario --------------------------------------------------------------------------------


def scenario():
    random.seed(20260302)
    n = Net()
    sec = 1000000
    t = T0
    resolver, rogue = "192.0.2.53", "8.8.8.8"

    n.arp(t + 100, True)
    n.arp(t + 300, False)

    def lookup(ts, server, sport, name, answers, qtype=1, tag=None, vlans=()):
        ident = random.randrange(65536)
        n.udp(ts, DEV, sport, server, 53, dns_query(ident, name, qtype), vlans, tag)
        n.udp(ts + 15000, server, 53, DEV, sport, dns_response(ident, name, answers, qtype), vlans)

    # Declared firmware updates over VLAN 100, and over IPv6.
    lookup(t + 1 * sec, resolver, 40001, "fw.updates.example.com", [("fw.updates.example.com", "A", "198.51.100.10")],
           tag="dns_updates", vlans=(100,))
    tls_session(n, t + 1 * sec + 50000, DEV, 50001, "198.51.100.10", "fw.updates.example.com", up=600,
                down=60000, vlans=(100,), tag="updates")
    lookup(t + 3 * sec, resolver, 40002, "v6.updates.example.com", [("v6.updates.example.com", "AAAA", "2001:db8::10")],
           qtype=28, tag="dns_v6")
    tls_session(n, t + 3 * sec + 50000, DEV6, 50002, "2001:db8::10", "v6.updates.example.com", up=500,
                down=20000, tag="updates_v6")

    # Declared telemetry, but more than the declared 50 kB out.
    lookup(t + 5 * sec, resolver, 40003, "telemetry.example.com", [("telemetry.example.com", "A", "198.51.100.20")])
    tls_session(n, t + 5 * sec + 50000, DEV, 50003, "198.51.100.20", "telemetry.example.com", up=120000,
                down=2000, tag="telemetry")

    # An undeclared resolver, an answer through a CNAME, and a 2 MB upload to the name asked for.
    lookup(t + 8 * sec, rogue, 40004, "collector.tracker.example.net",
           [("collector.tracker.example.net", "CNAME", "edge7.cdn.example"), ("edge7.cdn.example", "A", "198.51.100.50")],
           tag="dns_rogue")
    tls_session(n, t + 8 * sec + 50000, DEV, 50004, "198.51.100.50", "collector.tracker.example.net",
                up=2000000, down=3000, tag="exfil")

    # HTTP with Basic authentication to a declared licence server.
    lookup(t + 20 * sec, resolver, 40005, "api.example.org", [("api.example.org", "A", "198.51.100.30")])
    s = Tcp(n, t + 20 * sec + 50000, DEV, 50005, "198.51.100.30", 80, tag="http").open()
    s.send(True, b"GET /licence/check?serial=AC-1234 HTTP/1.1\r\nHost: api.example.org\r\n"
                 b"User-Agent: acme-router/2.1.0\r\nAuthorization: Basic YWRtaW46czNjcmV0\r\n"
                 b"Accept: */*\r\n\r\n", tag="http_basic")
    s.send(False, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                  b"{\"valid\": true}")
    s.close()

    # FTP with USER and PASS in clear text, to an address nobody resolved.
    s = Tcp(n, t + 25 * sec, DEV, 50006, "198.51.100.40", 21, tag="ftp").open()
    s.send(False, b"220 ProFTPD Server (Debian) [198.51.100.40]\r\n")
    s.send(True, b"USER backup\r\n", tag="ftp_user")
    s.send(False, b"331 Password required for backup\r\n")
    s.send(True, b"PASS Backup2026!\r\n", tag="ftp_pass")
    s.send(False, b"230 User backup logged in\r\n")
    s.send(True, b"QUIT\r\n")
    s.send(False, b"221 Goodbye.\r\n")
    s.close()

    # Inbound: a Telnet-like session to an undeclared port, HTTPS to the declared 8443, a probe.
    s = Tcp(n, t + 30 * sec, "203.0.113.66", 41234, DEV, 2323, tag="inbound").open()
    s.send(False, b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27")
    s.send(True, b"\xff\xfb\x18\xff\xfb\x20\xff\xfb\x23\xff\xfb\x27")
    s.send(False, b"\xff\xfa\x18\x01\xff\xf0")
    s.send(True, b"\xff\xfa\x18\x00XTERM\xff\xf0")
    s.send(False, b"\r\nacme-router login: ")
    for ch in b"root\r\n":
        s.send(True, bytes([ch]))
    s.send(False, b"Password: ")
    for ch in b"xc3511\r\n":
        s.send(True, bytes([ch]))
    s.send(False, b"\r\nBusyBox v1.30.1 built-in shell (ash)\r\n# ")
    s.send(True, b"cat /etc/passwd\r\n")
    s.send(False, b"root:x:0:0:root:/root:/bin/sh\r\n# ")
    s.close()
    s = Tcp(n, t + 35 * sec, LAN_PEER, 52000, DEV, 8443, tag="admin").open()
    s.send(True, tls_client_hello("acme-router.local"))
    s.send(False, tls_server_hello())
    s.send(True, tls_app(300))
    s.send(False, tls_app_bulk(9000))
    s.close()
    Tcp(n, t + 36 * sec, "203.0.113.66", 41240, DEV, 23, tag="probe").refused()

    # A ten-minute session with a keep-alive every 30 s, to an address nobody resolved.
    s = Tcp(n, t + 10 * sec, DEV, 50007, "198.51.100.77", 5222, tag="longlived").open()
    for i in range(21):
        s.at(t + 10 * sec + i * 30 * sec)
        s.send(True, b"<presence id='%d'/>" % i)
        s.send(False, b"<iq type='get' id='cmd%d'><query xmlns='jabber:iq:version'/></iq>" % i)
    s.close()

    # SSH to a remote host.
    s = Tcp(n, t + 40 * sec, DEV, 50008, "203.0.113.200", 22, tag="ssh").open()
    s.send(False, b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n")
    s.send(True, b"SSH-2.0-dropbear_2020.81\r\n")
    kex = b"\x14" + bytes(16) + b"".join(struct.pack("!I", len(x)) + x for x in (
        b"curve25519-sha256", b"ssh-ed25519", b"aes128-ctr", b"aes128-ctr", b"hmac-sha2-256", b"hmac-sha2-256",
        b"none", b"none", b"", b"")) + b"\0\0\0\0\0"
    pad = 8 - (len(kex) + 5) % 8 + 4
    pkt = struct.pack("!IB", len(kex) + pad + 1, pad) + kex + bytes(pad)
    s.send(True, pkt)
    s.send(False, pkt)
    for _ in range(5):
        s.send(True, bytes(random.randrange(256) for _ in range(96)))
        s.send(False, bytes(random.randrange(256) for _ in range(256)))
    s.close()

    # Beacons: four short sessions two minutes apart to the same undeclared name.
    lookup(t + 59 * sec, resolver, 40009, "beacon.example.biz", [("beacon.example.biz", "A", "198.51.100.90")])
    for i, at in enumerate((60, 180, 300, 420)):
        tls_session(n, t + at * sec, DEV, 50100 + i, "198.51.100.90", "beacon.example.biz", up=300, down=500,
                    tag="beacon" if i == 0 else None)

    # NTP, declared, one request fragmented, double-tagged 802.1ad + 802.1Q.
    n.udp(t + 45 * sec, DEV, 123, "203.0.113.5", 123, b"\x23" + bytes(47), (200, 300), tag="ntp")
    n.udp(t + 45 * sec + 20000, "203.0.113.5", 123, DEV, 123, b"\x24" + bytes(47), (200, 300))
    n.udp_fragmented(t + 46 * sec, DEV, 123, "203.0.113.5", 123, bytes(3000), vlans=(200, 300), tag="fragments")

    # ICMPv6 echo to an undeclared address.
    n.icmp6_echo(t + 50 * sec, DEV6, "2001:db8::99", 7, 1, tag="ping6")
    n.icmp6_echo(t + 50 * sec + 8000, "2001:db8::99", DEV6, 7, 1, reply=True)

    n.arp(t + 650 * sec, True)
    n.arp(t + 650 * sec + 200, False)

    frames = sorted(n.frames, key=lambda f: (f.ts, f.seq))
    number = {id(f): i + 1 for i, f in enumerate(frames)}
    tags = {k: number[id(f)] for k, f in n.tags.items()}
    return frames, tags


def expected_findings(tags):
    """What a declaration-aware analysis of the scenario must report: rule, category, destination
    and the packet that starts it (the first packet of the first flow cited, or the packet that
    carried credentials)."""
    return [
        {"rule": "over_declared_volume", "category": "user_data", "destination": "telemetry.example.com",
         "packet": tags["telemetry"]},
        {"rule": "undeclared_data", "category": "user_data", "destination": "collector.tracker.example.net",
         "severity": "high", "packet": tags["exfil"]},
        {"rule": "undeclared_resolver", "category": "other", "destination": "8.8.8.8", "packet": tags["dns_rogue"]},
        {"rule": "clear_text_credentials", "category": "control", "destination": "api.example.org",
         "packet": tags["http_basic"]},
        {"rule": "undeclared_listening", "category": "control", "destination": "tcp/2323",
         "packet": tags["inbound"]},
        {"rule": "undeclared_control", "category": "control", "destination": "198.51.100.77",
         "packet": tags["longlived"]},
        {"rule": "undeclared_data", "category": "user_data", "destination": "198.51.100.77",
         "packet": tags["longlived"]},
        {"rule": "remote_access", "category": "control", "destination": "203.0.113.200", "packet": tags["ssh"]},
        {"rule": "undeclared_control", "category": "control", "destination": "beacon.example.biz",
         "packet": tags["beacon"]},
        {"rule": "undeclared_contact", "category": "other", "destination": "2001:db8::99", "packet": tags["ping6"]},
    ]


def declaration():
    return {
        "product": "Acme Router",
        "version": "2.1.0",
        "endpoints": [
            {"host": "*.updates.example.com", "ports": [443], "protocol": "tcp", "purpose": "firmware updates",
             "user_data": False},
            {"host": "telemetry.example.com", "ports": [443], "protocol": "tcp",
             "purpose": "crash reports and usage statistics", "user_data": True, "max_bytes_out": 50000},
            {"host": "api.example.org", "ports": [80, 443], "protocol": "tcp", "purpose": "licence check",
             "user_data": False},
            {"cidr": "203.0.113.0/28", "ports": [123], "protocol": "udp", "purpose": "time synchronisation (NTP)",
             "user_data": False},
        ],
        "listening": [{"port": 8443, "protocol": "tcp", "purpose": "local administration (HTTPS)"}],
        "resolvers": ["192.0.2.53"],
    }


# --- writers -------------------------------------------------------------------------------------


def write_pcap(fp, linktype, records):
    fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
    offsets = []
    for ts, data in records:
        offsets.append(fp.tell())
        fp.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(data), len(data)))
        fp.write(data)
    return offsets


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def write_pcapng(fp, linktype, records):
    opts = pad4(struct.pack("<HH", 4, len(b"netreview gen_pcap.py")) + b"netreview gen_pcap.py") + b"\0\0\0\0"
    shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts
    fp.write(struct.pack("<II", 0x0A0D0D0A, len(shb_body) + 12) + shb_body + struct.pack("<I", len(shb_body) + 12))
    idb_body = struct.pack("<HHI", linktype, 0, 262144) + pad4(struct.pack("<HHB", 9, 1, 6)) + b"\0\0\0\0"
    fp.write(struct.pack("<II", 1, len(idb_body) + 12) + idb_body + struct.pack("<I", len(idb_body) + 12))
    offsets = []
    for ts, data in records:
        offsets.append(fp.tell())
        body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(data), len(data)) + pad4(data)
        fp.write(struct.pack("<II", 6, len(body) + 12) + body + struct.pack("<I", len(body) + 12))
    return offsets


def cmd_scenario(a):
    frames, tags = scenario()
    records = [(f.ts, f.link(a.link)) for f in frames if not (a.link == "raw" and f.ethertype == 0x0806)]
    if a.link == "raw":
        # Raw IP has no ARP: the packet numbers of the tags move.
        kept = [f for f in frames if f.ethertype != 0x0806]
        number = {id(f): i + 1 for i, f in enumerate(kept)}
        old = {i + 1: f for i, f in enumerate(frames)}
        tags = {k: number[id(old[v])] for k, v in tags.items()}
    with open(a.out, "wb") as fp:
        offsets = (write_pcapng if a.format == "pcapng" else write_pcap)(fp, LINKTYPE[a.link], records)
    manifest = {
        "format": a.format, "link": a.link, "packets": len(records), "bytes": sum(len(d) for _, d in records),
        "non_ip": sum(1 for f in frames if f.ethertype == 0x0806) if a.link != "raw" else 0,
        "device": [DEV, DEV6], "tags": tags, "findings": expected_findings(tags),
    }
    if a.truncate:
        # Cut in the middle of the packet that starts 60% into the packets.
        k = int(len(records) * 0.6)
        size = offsets[k] + 24
        with open(a.out, "r+b") as fp:
            fp.truncate(size)
        manifest["truncated_at"] = k + 1
        manifest["complete_packets"] = k
    if a.manifest:
        with open(a.manifest, "w") as fp:
            json.dump(manifest, fp, indent=2)


def cmd_declaration(a):
    with open(a.out, "w") as fp:
        json.dump(declaration(), fp, indent=2)
        fp.write("\n")


def cmd_bench(a):
    """Flows of: DNS query and answer, then TLS with a ClientHello and mostly full-size downloads,
    200 flows at a time interleaved packet by packet. Headers come from per-flow templates; only
    sequence numbers, IP ids and timestamps change per packet."""
    random.seed(7)
    total = a.packets
    names = ["cdn%d.media%d.example.com" % (i, i % 17) for i in range(400)]
    payload = bytes(random.randrange(256) for _ in range(1448))
    recs_written = 0
    linktype = 1
    out = open(a.out, "wb", buffering=1 << 22)
    fmt = a.format
    if fmt == "pcapng":
        write_pcapng(out, linktype, [])
    else:
        write_pcap(out, linktype, [])
    eth_out = GW_MAC + DEV_MAC + b"\x08\x00"
    eth_in = DEV_MAC + GW_MAC + b"\x08\x00"
    hdr_pcap = struct.Struct("<IIII")
    hdr_ng = struct.Struct("<IIIIIIII")
    tcp_seqack = struct.Struct("!II")
    ts = T0

    def emit(frame):
        nonlocal recs_written
        n = len(frame)
        if fmt == "pcapng":
            padn = -n % 4
            blen = 32 + n + padn + 4
            out.write(hdr_ng.pack(6, blen, 0, ts >> 32, ts & 0xFFFFFFFF, n, n, 0)[:28])
            out.write(frame)
            if padn:
                out.write(b"\0" * padn)
            out.write(struct.pack("<I", blen))
        else:
            out.write(hdr_pcap.pack(ts // 1000000, ts % 1000000, n, n))
            out.write(frame)
        recs_written += 1

    net = Net()

    def make_flow(fid):
        cli_port = 1024 + fid % 60000
        srv = "198.51.%d.%d" % (100 + (fid // 250) % 20, 1 + fid % 250)
        name = names[fid % len(names)]
        cli = "10.%d.%d.%d" % (fid % 4, (fid // 250) % 250, 2 + fid % 250) if a.many_clients else DEV
        steps = []
        # DNS
        ident = fid & 0xFFFF
        q = net.ip4(cli, "192.0.2.53", 17, struct.pack("!HHHH", 20000 + fid % 40000, 53, 8 + len(dns_query(ident, name)), 0)
                    + dns_query(ident, name))
        r = net.ip4("192.0.2.53", cli, 17, struct.pack("!HHHH", 53, 20000 + fid % 40000,
                    8 + len(dns_response(ident, name, [(name, "A", srv)])), 0) + dns_response(ident, name, [(name, "A", srv)]))
        steps.append((eth_out + q, None))
        steps.append((eth_in + r, None))

        def seg(src, dst, sport, dport, flags, data):
            t = struct.pack("!HHIIBBHHH", sport, dport, 0, 0, 5 << 4, flags, 64240, 0, 0) + data
            return net.ip4(src, dst, 6, t)

        up = lambda flags, data=b"": (eth_out + seg(cli, srv, cli_port, 443, flags, data), 0)
        down = lambda flags, data=b"": (eth_in + seg(srv, cli, 443, cli_port, flags, data), 1)
        cseq, sseq = random.randrange(1 << 30), random.randrange(1 << 30)
        seqs = [cseq, sseq]
        plan = [up(0x02), down(0x12), up(0x10), up(0x18, tls_client_hello(name)), down(0x10),
                down(0x18, tls_server_hello()[:1200]), up(0x10)]
        data_down = down(0x10, payload)
        ack_up = up(0x10)
        plan += [data_down, data_down, data_down, ack_up] * 23
        plan += [up(0x11), down(0x11), up(0x10)]
        # Sequence numbers: fill per step at emit time.
        for frame, d in plan:
            steps.append((frame, d))
        return steps, seqs

    active = []
    fid = 0
    while recs_written < total:
        while len(active) < 200:
            steps, seqs = make_flow(fid)
            active.append([steps, 0, seqs])
            fid += 1
        for fl in list(active):
            if recs_written >= total:
                break
            steps, i, seqs = fl
            frame, d = steps[i]
            if d is not None:
                # Patch seq/ack at the TCP header (Ethernet 14 + IP 20 + 4).
                fb = bytearray(frame)
                tcp_seqack.pack_into(fb, 38, seqs[d] & 0xFFFFFFFF, seqs[1 - d] & 0xFFFFFFFF)
                tcplen = len(fb) - 54
                flags = fb[47]
                seqs[d] += tcplen + (1 if flags & 0x03 else 0)
                frame = bytes(fb)
            ts += 13
            emit(frame)
            fl[1] += 1
            if fl[1] == len(steps):
                active.remove(fl)
    out.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scenario")
    s.add_argument("--out", required=True)
    s.add_argument("--format", choices=("pcap", "pcapng"), default="pcap")
    s.add_argument("--link", choices=("eth", "sll", "raw"), default="eth")
    s.add_argument("--manifest")
    s.add_argument("--truncate", action="store_true")
    d = sub.add_parser("declaration")
    d.add_argument("--out", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--out", required=True)
    b.add_argument("--packets", type=int, default=1000000)
    b.add_argument("--format", choices=("pcap", "pcapng"), default="pcap")
    b.add_argument("--many-clients", action="store_true", help="a different client per flow")
    a = p.parse_args()
    {"scenario": cmd_scenario, "declaration": cmd_declaration, "bench": cmd_bench}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
