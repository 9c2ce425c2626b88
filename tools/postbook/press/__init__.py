"""The printed book: page sizes, the print settings the converter hands to the editions, the cover."""
