"""PulsePal: a Pulseq pulse-sequence programming assistant with durable chat sessions."""

__version__ = "0.1.0"
