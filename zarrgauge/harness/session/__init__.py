"""One pytest run: its state and hooks (session), its own options beside the case selection's
(options), and the check that a full-tier run fits on disk (disk)."""
