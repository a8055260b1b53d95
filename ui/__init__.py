"""The Gradio web app (the UI stage)."""
