module github.com/altegio/altegio-ticket

go 1.26

require (
	github.com/emersion/go-message v0.18.2
	github.com/go-resty/resty/v2 v2.17.2
	github.com/google/go-cmp v0.7.0
	github.com/spf13/pflag v1.1.0
	golang.org/x/net v0.43.0
)

require (
	github.com/andybalholm/brotli v1.3.0
	github.com/klauspost/compress v1.20.5
	github.com/rogpeppe/go-internal v1.16.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/term v0.34.0
	golang.org/x/text v0.28.0
)

require (
	golang.org/x/sys v0.35.0 // indirect
	golang.org/x/tools v0.35.0 // indirect
)
