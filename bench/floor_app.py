"""The floor: a trivial Streamlit app (a few widgets, no database, no sign-in).

bench/page_cost.py reruns it over the same websocket protocol, in the same run and interleaved
with the portal's pages, so each page's rerun cost is reported as a ratio to what Streamlit
itself costs on this machine at this moment.

It is served like the portal (an ``st.App`` with the portal's start-up, which turns Nagle's
algorithm off on the listening socket: routes/server_socket.py), so the ratio compares the
scripts, not two socket settings: with Nagle on, this app's rerun took 44 ms instead of 5.5 ms.

``?elements=N`` (N above the 7 it draws anyway) adds one-line markdown elements up to N: the
element-matched floor, what Streamlit alone costs to draw and send as many elements as a page
does (bench/page_cost.py reports each page against it too).
"""
import sys
from pathlib import Path

import streamlit as st

BASE_ELEMENTS = 7   # the title, five widgets and the write below

if __name__ == "__main__":
    st.set_page_config(page_title="Floor", layout="wide")
    st.title("Floor")
    name = st.text_input("Name", value="floor")
    choice = st.selectbox("Choice", ["one", "two", "three"])
    count = st.slider("Count", 1, 10, 3)
    st.checkbox("Flag")
    st.button("Press")
    st.write(f"{name} {choice} {count}")
    try:
        wanted = int(st.query_params.get("elements", "0"))
    except ValueError:
        wanted = 0
    for i in range(max(0, min(wanted, 1000) - BASE_ELEMENTS)):
        st.markdown(f"**Line {i}** · a few words of text")
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from routes.server_socket import lifespan

    app = st.App(__file__, lifespan=lifespan)
