"""The Streamlit dashboard over the events database: SQL in `queries`, cached reads in `data`,
URL state in `params`, the folium map in `map`, chart and table in `views`, offline assets in `assets`."""
