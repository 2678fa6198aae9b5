package redact_test

import "github.com/altegio/altegio-ticket/redact/redacttest"

// The oracle lives in package redacttest, for the command line's tests too.
var (
	canonForms  = redacttest.Forms
	nestedForms = redacttest.NestedForms
	leaks       = redacttest.Leaks
	oneLayer    = redacttest.OneLayer
	utf16Bytes  = redacttest.UTF16
	lowerHex    = redacttest.LowerHex
	percentAll  = redacttest.PercentAll
	jsonGo      = redacttest.JSONGo
	entityAll   = redacttest.EntityAll
	contains    = redacttest.Contains
)
