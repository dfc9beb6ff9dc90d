"""The translation engine: MarianMT models found (hub), loaded (translator, backends), batched,
decoded and cached, one per language pair in the service (registry).

Nothing is re-exported here, so that naming the engine's options (decoding, device) never
imports torch: `from models.translator import load_translator`.
"""
