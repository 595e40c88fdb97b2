"""Streamlit-side building blocks shared by pages: the sign-in gate, navigation, formatting."""
