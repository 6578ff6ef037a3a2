// The site is read from file:// too (offline, on a cluster node).  There the browser forbids
// fetch(), which Sphinx's search uses only to show a text snippet under each hit; the hits and
// their links work without it.  Skip the snippets there (they fail with an error per hit); served
// over http(s) they stay.
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
