package specfetch

import (
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestShortErrNamesNoAddress: the reason a fetch failed goes into the
// ticket, so it must not carry the addresses of the user's network (Go's
// DNS error names the resolver).
func TestShortErrNamesNoAddress(t *testing.T) {
	wrap := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://developer.alteg.io/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := map[string]struct {
		err  error
		want string
	}{
		"no such host": {wrap(&net.DNSError{Err: "no such host", Name: "developer.alteg.io", Server: "10.255.255.53:53", IsNotFound: true}), "the name does not resolve"},
		"DNS timeout":  {wrap(&net.DNSError{Err: "i/o timeout", Name: "developer.alteg.io", Server: "10.255.255.53:53", IsTimeout: true}), "the name could not be looked up"},
		"refused":      {wrap(os.NewSyscallError("connect", syscall.ECONNREFUSED)), "connection refused"},
		"other":        {errors.New("tls: bad certificate"), "tls: bad certificate"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := shortErr(tc.err)
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("shortErr = %q, want it to start with %q", got, tc.want)
			}
			if strings.Contains(got, "10.255.255.53") {
				t.Errorf("shortErr = %q names the resolver", got)
			}
		})
	}
}
