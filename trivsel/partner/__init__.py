"""The partner's start page and the information for professionals."""
