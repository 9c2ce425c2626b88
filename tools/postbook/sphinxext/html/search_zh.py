"""Chinese search that also segments the query: 去噪网络 finds pages indexed under 去噪 and 网络."""

from __future__ import annotations

import re
from pathlib import Path

import snowballstemmer
import sphinx.search
from sphinx.search import SearchLanguage
from sphinx.search._stopwords.en import ENGLISH_STOPWORDS

from . import jieba_tokenizers

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


class SearchChineseBook(SearchLanguage):
    """Sphinx's jieba-based Chinese search (sphinx.search.zh), with a working JS stemmer, a query
    splitter, and jieba loaded only when a page is indexed (a no-op rebuild never loads it).

    Sphinx's SearchChinese imports jieba and loads the user dictionary (0.7 s for jieba's own
    dictionary) whenever the HTML builder starts; this class does the same work on the first
    split(), with a private tokenizer (jieba_tokenizers) kept for the next build of the process.
    """

    lang = "zh"
    language_name = "Chinese"
    js_stemmer_rawcode = ""  # use js_stemmer_code below instead of Sphinx's broken wiring
    js_stemmer_code = english_stemmer_code()
    js_splitter_code = QUERY_SPLITTER
    stopwords = ENGLISH_STOPWORDS
    latin1_letters = re.compile(r"[a-zA-Z0-9_]+")

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self.latin_terms: set[str] = set()
        self.stemmer = snowballstemmer.stemmer("english")
        dictionary = options.get("dict", "")
        self.userdict = Path(dictionary) if dictionary else None
        # jieba's main dictionary is pickled next to the book's (the build cache), if there is one
        self.cache = self.userdict.parent if self.userdict is not None else None
        self.segmenter = None  # the jieba tokenizer, found on the first split()

    def split(self, input: str) -> list[str]:
        """jieba's search-engine cut of the Han text, then the Latin words (as SearchChinese)."""
        if self.segmenter is None:
            self.segmenter = jieba_tokenizers.tokenizer(self.cache, self.userdict)
        chinese: list[str] = list(self.segmenter.cut_for_search(input))
        latin1 = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin1)
        return chinese + latin1

    def word_filter(self, stemmed_word: str) -> bool:
        return len(stemmed_word) > 1

    def stem(self, word: str) -> str:
        """English stemming, except Latin words stemming would make too short (as SearchChinese)."""
        stemmed = self.stemmer.stemWord(word.lower())
        if len(word) >= 3 > len(stemmed) and word in self.latin_terms:
            return word.lower()
        return stemmed


def drop_emptied_terms(app) -> list:
    """html-collect-pages (before the index is dumped): forget words no page has any more.

    An incremental build loads the last index and prunes the re-written pages out of it; a word
    only those pages had stays behind with no page (`"word": []`), in every later index. A clean
    build never has such words, so the index of an incremental build differs from it.
    """
    indexer = getattr(app.builder, "indexer", None)
    for mapping in (getattr(indexer, "_mapping", None), getattr(indexer, "_title_mapping", None)):
        if mapping:
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]
    return []
