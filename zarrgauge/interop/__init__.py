"""The interoperability matrix: every engine writes every case it supports, every engine reads
every copy, and each cell says ok, silent mismatch, error, declared unsupported or crash."""
