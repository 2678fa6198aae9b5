package report

import (
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// preview is the inline text of a body: its first inlineBodyLimit bytes,
// JSON pretty-printed.
type preview struct {
	text string
	// whole is true when text shows all of the body.
	whole bool
	// consumed is how many bytes of the body text shows.
	consumed int
}

// previewCache computes each body's preview once per ticket: the size
// budget's renders see the same bodies, only cut shorter, and a preview
// that read less than the cut needs no second look.
type previewCache struct {
	m map[*byte][]previewEntry // by the body text's first byte: a cut body shares it
}

// get returns the preview of b, pretty-printing it when json.
func (c *previewCache) get(b capture.Body, json bool) preview {
	text := b.Text()
	if len(text) == 0 {
		return preview{whole: true}
	}
	if c == nil {
		return makePreview(text, json)
	}
	key := &text[0]
	for _, e := range c.m[key] {
		// The preview of a longer text that stopped before the end of
		// this one is this text's preview too.
		if e.n == len(text) || !e.p.whole && e.p.consumed < len(text) {
			return e.p
		}
	}
	p := makePreview(text, json)
	if c.m == nil {
		c.m = map[*byte][]previewEntry{}
	}
	c.m[key] = append(c.m[key], previewEntry{n: len(text), p: p})
	return p
}

type previewEntry struct {
	n int // the length of the text previewed
	p preview
}

func makePreview(text []byte, json bool) preview {
	if json {
		if out, consumed, ok := indentJSONPrefix(text, inlineBodyLimit); ok {
			shown := cutAtRune(out, inlineBodyLimit)
			whole := consumed == len(text) && len(shown) == len(out)
			return preview{text: strings.ToValidUTF8(string(shown), "\uFFFD"), whole: whole, consumed: consumed}
		}
	}
	shown := cutAtRune(text, inlineBodyLimit)
	return preview{text: strings.ToValidUTF8(string(shown), "\uFFFD"), whole: len(shown) == len(text), consumed: len(shown)}
}
