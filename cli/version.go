package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// buildTime is when the binary was built, as package main was told by
// -ldflags "-X main.buildTime=..."; Main sets it.
var buildTime string

// buildVersion is what a binary knows about its own build, from
// runtime/debug.ReadBuildInfo.
type buildVersion struct {
	// Module is the module version: v1.2.3 for go install ...@v1.2.3, a
	// pseudo-version or "(devel)" for a build from a clone.
	Module string
	// Revision, Time and Modified come from the VCS stamp, which go build
	// adds in a git clone unless -buildvcs=false; Revision is "" without it.
	Revision string
	Time     string
	Modified bool
	Go       string
}

func readBuildVersion(bi *debug.BuildInfo, ok bool) buildVersion {
	v := buildVersion{Module: "(devel)", Go: runtime.Version()}
	if !ok || bi == nil {
		return v
	}
	if bi.Main.Version != "" {
		v.Module = bi.Main.Version
	}
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func currentBuild() buildVersion { return readBuildVersion(debug.ReadBuildInfo()) }

// short is the version the ticket and the User-Agent carry: the module
// version, and the revision's first 12 digits when known.
func (v buildVersion) short() string {
	s := v.Module
	if len(v.Revision) >= 12 {
		s += " " + v.Revision[:12]
		if v.Modified {
			s += "+dirty"
		}
	}
	return s
}

// long is what --version prints: the version line, then how to get the
// revision when the build does not carry it.
func (v buildVersion) long(built, platform string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "altegio-ticket %s\n", v.Module)
	switch {
	case v.Revision != "":
		fmt.Fprintf(&b, "revision %s", v.Revision)
		if v.Modified {
			b.WriteString(" (with uncommitted changes)")
		}
		if v.Time != "" {
			fmt.Fprintf(&b, ", committed %s", v.Time)
		}
		b.WriteString("\n")
	case v.Module == "(devel)" || v.Module == "":
		b.WriteString("revision unknown: built without VCS information; build in a git clone (not a worktree) with go build -buildvcs=true\n")
	}
	if built != "" {
		fmt.Fprintf(&b, "built %s ", built)
	} else {
		b.WriteString("built ")
	}
	fmt.Fprintf(&b, "with %s for %s\n", v.Go, platform)
	return b.String()
}

// versionString is the version the ticket carries (footer, X-Mailer).
func versionString() string { return currentBuild().short() }

// userAgent is the User-Agent sent when the user gives none, in place of
// curl's own.
func userAgent() string {
	v := currentBuild().Module
	if v == "(devel)" {
		v = "dev"
	}
	return "altegio-ticket/" + strings.TrimPrefix(v, "v")
}

func versionText() string {
	return currentBuild().long(buildTime, runtime.GOOS+"/"+runtime.GOARCH)
}
