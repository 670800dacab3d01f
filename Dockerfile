FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint (generated invoice and packing list PDFs) needs pango; Chinese text needs a CJK font.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-wqy-microhei && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY exporter_portal exporter_portal
COPY declarations declarations
RUN pip install --no-cache-dir . gunicorn
COPY . .
EXPOSE 8000
