"""The hostile corpus: tests/hostile/posts/ plus the files make_corpus.py generates."""
