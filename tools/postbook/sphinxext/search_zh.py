"""Chinese search that also segments the query: 去噪网络 finds pages indexed under 去噪 and 网络."""

from __future__ import annotations

from pathlib import Path

import sphinx.search
from sphinx.search.zh import SearchChinese

MINIFIED_JS = Path(sphinx.search.__file__).parent / "minified-js"

# Sphinx's zh search segments the pages with jieba but treats a query typed without spaces as one
# term, so 去噪网络 finds nothing. This splitter cuts Han runs by forward maximum matching against
# the terms of the loaded index; unmatched single characters are dropped (the index has none).
QUERY_SPLITTER = r"""
var splitQuery = (query) => {
  const index = (typeof Search !== "undefined" && Search._index) || {};
  const has = (table, word) => !!table && Object.prototype.hasOwnProperty.call(table, word);
  const known = (word) => has(index.terms, word) || has(index.titleterms, word);
  const han = /\p{Script=Han}/u;
  const words = [];
  for (const token of query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)) {
    if (!token) continue;
    if (!han.test(token) || known(token)) { words.push(token); continue; }
    let start = 0;
    while (start < token.length) {
      let end = Math.min(token.length, start + 8);
      while (end > start + 1 && !known(token.slice(start, end))) end -= 1;
      if (end - start > 1 || !han.test(token[start])) words.push(token.slice(start, end));
      start = end;
    }
  }
  return words;
};
"""



def english_stemmer_code() -> str:
    """The JS stemmer matching the Python side (English snowball, for Latin words in Chinese text).

    Sphinx 9's zh search ships english-stemmer.js but then says `window.Stemmer = ChineseStemmer`,
    which does not exist, so search.html dies with "ChineseStemmer is not defined".
    """
    parts = [(MINIFIED_JS / name).read_text(encoding="utf-8")
             for name in ("base-stemmer.js", "english-stemmer.js")]
    return "\n".join([*parts, "window.Stemmer = EnglishStemmer;"])


class SearchChineseBook(SearchChinese):
    """Sphinx's jieba-based Chinese search, with a working JS stemmer and a query splitter."""

    js_stemmer_rawcode = ""  # use js_stemmer_code below instead of Sphinx's broken wiring
    js_stemmer_code = english_stemmer_code()
    js_splitter_code = QUERY_SPLITTER
