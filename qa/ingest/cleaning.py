"""The text cleaner: Haystack's DocumentCleaner, configured to keep paragraphs.

The cleaned text is what the store keeps and what every answer offset points into, so cleaning
happens once, before chunking, and only normalises (Unicode NFC, line endings, stray control
characters, trailing spaces, runs of blank lines); it never rewraps paragraphs.
"""

from haystack.components.preprocessors import DocumentCleaner


def make_cleaner() -> DocumentCleaner:
    return DocumentCleaner(
        remove_empty_lines=False,
        remove_extra_whitespaces=False,
        keep_id=False,
        unicode_normalization="NFC",
        replace_regexes={
            r"\r\n?": "\n",
            r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]": "",
            r"[ \t]+\n": "\n",
            r"\n{3,}": "\n\n",
        },
        strip_whitespaces=True,
    )
