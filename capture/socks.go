package capture

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
)

// socks opens a SOCKS session to target over c, the connection to the
// proxy p, as curl does for p's scheme: socks5 and socks4 resolve the
// target's name here and send its address; socks5h and socks4a send the
// name for the proxy to resolve. SOCKS5 offers user/password
// authentication (RFC 1929) when p has credentials; SOCKS4 sends the user
// name as its user id.
func (r *recorder) socks(ctx context.Context, c net.Conn, p *url.URL, target string) error {
	host, portText, err := net.SplitHostPort(target)
	if err != nil {
		return err
	}
	port, _ := strconv.Atoi(portText)
	remote := proxySchemes[p.Scheme]
	var ip netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		ip = a.Unmap()
	} else if !remote {
		if ip, err = r.lookup(ctx, target, p.Scheme == "socks4"); err != nil {
			var dnsErr *net.DNSError
			if errors.As(err, &dnsErr) {
				// The target's name, not the proxy's: say so, and how
				// to let the proxy resolve it instead.
				return &proxyError{msg: fmt.Sprintf("the name %q could not be resolved here for the %s proxy at %s (DNS lookup failed: %s); %sh:// lets the proxy resolve it",
					host, p.Scheme, p.Host, dnsErr.Err, p.Scheme)}
			}
			return err
		}
	}
	fail := func(why string) error {
		return &proxyError{msg: fmt.Sprintf("the %s proxy at %s could not connect to %s: %s", p.Scheme, p.Host, target, why)}
	}
	if p.Scheme == "socks4" || p.Scheme == "socks4a" {
		return socks4(c, p, host, port, ip, fail)
	}
	return socks5(c, p, host, port, ip, fail)
}

// lookup resolves the host of addr here, for a SOCKS proxy that wants an
// address: Resolve first, then DNS. v4only is for SOCKS4, which has no
// room for IPv6.
func (r *recorder) lookup(ctx context.Context, addr string, v4only bool) (netip.Addr, error) {
	if given := r.resolved(addr); len(given) > 0 {
		r.addRoute(Route{For: addr, To: given[0], By: RouteResolve})
		host, _, _ := net.SplitHostPort(given[0])
		return netip.ParseAddr(host)
	}
	host, _, _ := net.SplitHostPort(addr)
	res := r.opt.Resolver
	if res == nil {
		res = net.DefaultResolver
	}
	network := "ip"
	if v4only {
		network = "ip4"
	}
	ips, err := res.LookupNetIP(ctx, network, host)
	if err != nil {
		return netip.Addr{}, err
	}
	if len(ips) == 0 {
		return netip.Addr{}, &net.DNSError{Err: "no address", Name: host, IsNotFound: true}
	}
	return ips[0].Unmap(), nil
}

// socks5 runs the SOCKS5 handshake (RFC 1928).
func socks5(c net.Conn, p *url.URL, host string, port int, ip netip.Addr, fail func(string) error) error {
	methods := []byte{0x00}
	if p.User != nil {
		methods = append(methods, 0x02)
	}
	if _, err := c.Write(append([]byte{5, byte(len(methods))}, methods...)); err != nil {
		return err
	}
	var reply [2]byte
	if _, err := io.ReadFull(c, reply[:]); err != nil {
		return err
	}
	if reply[0] != 5 {
		return fail("it does not speak SOCKS5")
	}
	switch reply[1] {
	case 0x00:
	case 0x02:
		if p.User == nil {
			return fail("it asks for a user name and password, and the proxy setting has none")
		}
		user := p.User.Username()
		pass, _ := p.User.Password()
		if len(user) > 255 || len(pass) > 255 {
			return fail("the user name or password is longer than SOCKS5 allows (255 bytes)")
		}
		msg := append([]byte{1, byte(len(user))}, user...)
		msg = append(append(msg, byte(len(pass))), pass...)
		if _, err := c.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, reply[:]); err != nil {
			return err
		}
		if reply[1] != 0 {
			return fail("it refused the user name and password")
		}
	default:
		return fail("it accepts none of the authentication methods offered")
	}
	req := []byte{5, 1, 0}
	switch {
	case ip.Is4():
		req = append(append(req, 1), ip.AsSlice()...)
	case ip.Is6():
		req = append(append(req, 4), ip.AsSlice()...)
	default:
		if len(host) > 255 {
			return fail("the host name is longer than SOCKS5 allows")
		}
		req = append(append(req, 3, byte(len(host))), host...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := c.Write(req); err != nil {
		return err
	}
	var head [4]byte
	if _, err := io.ReadFull(c, head[:]); err != nil {
		return err
	}
	if head[1] != 0 {
		return fail(socks5Reply(head[1]))
	}
	// The bound address that follows is not needed, but must be read.
	var skip int
	switch head[3] {
	case 1:
		skip = 4
	case 4:
		skip = 16
	case 3:
		var n [1]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return err
		}
		skip = int(n[0])
	default:
		return fail("its reply is not SOCKS5")
	}
	_, err := io.ReadFull(c, make([]byte, skip+2))
	return err
}

// socks5Reply words a SOCKS5 reply code (RFC 1928, section 6).
func socks5Reply(code byte) string {
	switch code {
	case 1:
		return "general SOCKS server failure"
	case 2:
		return "connection not allowed by its rules"
	case 3:
		return "network unreachable"
	case 4:
		return "host unreachable"
	case 5:
		return "connection refused"
	case 6:
		return "TTL expired"
	case 7:
		return "command not supported"
	case 8:
		return "address type not supported"
	}
	return "reply code " + strconv.Itoa(int(code))
}

// socks4 runs the SOCKS4 handshake, or SOCKS4a's when ip is not set.
func socks4(c net.Conn, p *url.URL, host string, port int, ip netip.Addr, fail func(string) error) error {
	req := []byte{4, 1}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	switch {
	case ip.Is4():
		req = append(req, ip.AsSlice()...)
	case ip.IsValid():
		return fail("SOCKS4 cannot carry an IPv6 address; use socks5://")
	default:
		req = append(req, 0, 0, 0, 1) // SOCKS4a: the name follows
	}
	if p.User != nil {
		req = append(req, p.User.Username()...)
	}
	req = append(req, 0)
	if !ip.IsValid() {
		req = append(append(req, host...), 0)
	}
	if _, err := c.Write(req); err != nil {
		return err
	}
	var reply [8]byte
	if _, err := io.ReadFull(c, reply[:]); err != nil {
		return err
	}
	switch reply[1] {
	case 0x5a:
		return nil
	case 0x5b:
		return fail("request rejected or failed")
	case 0x5c, 0x5d:
		return fail("it could not check the user id (identd)")
	}
	return errors.New("the SOCKS4 proxy's reply is not SOCKS4")
}
