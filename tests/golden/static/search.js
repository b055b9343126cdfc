// A stand-in: the golden test compares pages, not the search script.
