"""Extractive reading: turning a question and a text into cited answer spans."""

# Written next to a trained reader by `qa train-reader`: its tuned no-answer threshold and the
# window geometry it was trained with. Kept here, free of Haystack imports, so that training
# runs where only torch and transformers are installed (e.g. a lent GPU machine).
READER_CONFIG = "reader_config.json"
