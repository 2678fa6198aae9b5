// Command altegio-ticket replays a failing Alteg.io API call and writes an
// email-ready .eml ticket for the support desk at api@alteg.io.
//
// It takes the same arguments as curl, so a failing curl command converts
// by changing its first word:
//
//	altegio-ticket -H 'Accept: application/vnd.api.v2+json' \
//	  -H 'Authorization: Bearer <partner>, User <user>' \
//	  https://api.alteg.io/api/v1/records/123
//
// The layout of the repository is the architecture: this file only calls
// the command layer (package cli), which turns the command line into a
// capture.Request; capture records the Exchange, redact removes the
// secrets, and report writes the .eml.
package main

import (
	"os"

	"github.com/altegio/altegio-ticket/cli"
)

// buildTime is when the binary was built, when the build says so:
//
//	go build -ldflags "-X main.buildTime=$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
//
// The Go toolchain records no build time of its own.
var buildTime string

func main() {
	os.Exit(cli.Main(os.Args[1:], buildTime))
}
