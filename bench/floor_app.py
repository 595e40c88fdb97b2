"""The floor: a trivial Streamlit app (a few widgets, no database, no sign-in).

bench/page_cost.py reruns it over the same websocket protocol, in the same run and interleaved
with the portal's pages, so each page's rerun cost is reported as a ratio to what Streamlit
itself costs on this machine at this moment.
"""
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor")
name = st.text_input("Name", value="floor")
choice = st.selectbox("Choice", ["one", "two", "three"])
count = st.slider("Count", 1, 10, 3)
st.checkbox("Flag")
st.button("Press")
st.write(f"{name} {choice} {count}")
