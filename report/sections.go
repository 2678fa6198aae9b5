package report

// sections lists the parts of the ticket body in the order they appear.
// Both renderers follow it: a section is rendered in the text part by
// textSections[name] and in the HTML part by the template
// "section-<name>" in templates/; a section may exist in only one of them.
//
// The head and the sender's words come first: they are the first screen a
// support engineer sees. The evidence follows.
//
// To add a section, add its name here, a text function, and a template
// file; give it the data it needs as fields of view.
var sections = []string{
	"head",
	"message",
	"findings",
	"tries",
	"request",
	"response",
	"redirects",
	"connection",
	"secrets",
	"tokens",
}
