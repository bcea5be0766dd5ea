"""fastw2v: fast word2vec training with a C kernel."""
