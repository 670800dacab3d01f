FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY exporter_portal exporter_portal
COPY declarations declarations
RUN pip install --no-cache-dir . gunicorn
COPY . .
EXPOSE 8000
