"""Speech: recognition (vosk), endpointing, intents, TTS worker, text normalisation.

Imports only :mod:`drivers`. vosk and pyttsx3 are imported inside the modules that need
them (:mod:`speech.model`, the TTS worker process), so intent parsing and the simulators
run without them. Errors: :mod:`speech.errors`.
"""
