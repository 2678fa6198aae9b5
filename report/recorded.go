package report

// textRecorded says, at the top, that the call was not replayed and where
// the request and response come from. It writes nothing for a replay.
func textRecorded(w *textWriter, v *view) {
	if v.Recorded != "" {
		w.p("")
		w.wrap("", "", v.Recorded)
	}
}
