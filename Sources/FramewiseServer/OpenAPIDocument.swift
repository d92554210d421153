/// The server's OpenAPI 3.1 description, served at `/openapi.yaml`. A test checks that every
/// path and method here is routed, and that every route is here.
public enum OpenAPIDocument {
    public static let yaml = """
        openapi: 3.1.0
        info:
          title: Framewise
          version: 1.0.0
          description: >
            Submit videos to the pipelines a framewise server serves, follow the jobs, read their results
            (the same JSON per video as `framewise run` writes). When the server has bearer tokens, every
            /v1 route needs one and a token sees only its own jobs.
        servers:
          - url: http://127.0.0.1:8080
        security:
          - bearer: []
        paths:
          /healthz:
            get:
              operationId: health
              security: []
              responses:
                "200":
                  description: The process answers.
                  content:
                    application/json:
                      schema: {type: object, properties: {status: {type: string}}, required: [status]}
          /readyz:
            get:
              operationId: ready
              security: []
              responses:
                "200":
                  description: Models loaded, store (and broker, with --broker) reachable, not draining.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Readiness"}
                "503":
                  description: Not ready (store or broker unreachable, or draining).
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Readiness"}
          /metrics:
            get:
              operationId: metrics
              security: []
              responses:
                "200":
                  description: The engines' metrics in Prometheus' text exposition format.
                  content:
                    text/plain:
                      schema: {type: string}
          /openapi.yaml:
            get:
              operationId: openapi
              security: []
              responses:
                "200":
                  description: This document.
                  content:
                    application/yaml:
                      schema: {type: string}
          /v1/jobs:
            post:
              operationId: submitJob
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: "#/components/schemas/JobRequest"}
                  multipart/form-data:
                    schema: {$ref: "#/components/schemas/JobUpload"}
              responses:
                "202":
                  description: Accepted and stored.
                  headers:
                    Location: {schema: {type: string}}
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          id: {type: string}
                          state: {type: string}
                          total: {type: integer}
                        required: [id, state, total]
                  links:
                    GetJob: {operationId: getJob, parameters: {id: "$response.body#/id"}}
                    CancelJob: {operationId: cancelJob, parameters: {id: "$response.body#/id"}}
                    JobResults: {operationId: jobResults, parameters: {id: "$response.body#/id"}}
                    JobEvents: {operationId: jobEvents, parameters: {id: "$response.body#/id"}}
                "400": {$ref: "#/components/responses/Error"}
                "401": {$ref: "#/components/responses/Error"}
                "403": {$ref: "#/components/responses/Error"}
                "404": {$ref: "#/components/responses/Error"}
                "413": {$ref: "#/components/responses/Error"}
                "422": {$ref: "#/components/responses/Error"}
                "429":
                  description: The queue is full; retry after the given seconds.
                  headers:
                    Retry-After: {schema: {type: integer}}
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Error"}
                "503": {$ref: "#/components/responses/Error"}
            get:
              operationId: listJobs
              parameters:
                - {$ref: "#/components/parameters/Offset"}
                - {$ref: "#/components/parameters/Limit"}
              responses:
                "200":
                  description: A page of the jobs this token sees, newest first.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          jobs: {type: array, items: {$ref: "#/components/schemas/Job"}}
                          offset: {type: integer}
                          limit: {type: integer}
                          total: {type: integer}
                        required: [jobs, offset, limit, total]
                "401": {$ref: "#/components/responses/Error"}
                "422": {$ref: "#/components/responses/Error"}
          /v1/jobs/{id}:
            parameters:
              - {$ref: "#/components/parameters/JobID"}
            get:
              operationId: getJob
              responses:
                "200":
                  description: The job's state, counts and progress.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Job"}
                "401": {$ref: "#/components/responses/Error"}
                "403": {$ref: "#/components/responses/Error"}
                "404": {$ref: "#/components/responses/Error"}
            delete:
              operationId: cancelJob
              responses:
                "200":
                  description: Cancelled; pending videos and stored results removed.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Job"}
                "401": {$ref: "#/components/responses/Error"}
                "403": {$ref: "#/components/responses/Error"}
                "404": {$ref: "#/components/responses/Error"}
          /v1/jobs/{id}/results:
            parameters:
              - {$ref: "#/components/parameters/JobID"}
            get:
              operationId: jobResults
              parameters:
                - {$ref: "#/components/parameters/Offset"}
                - {$ref: "#/components/parameters/Limit"}
              responses:
                "200":
                  description: One JSON object per finished video (as `framewise run` writes), in video order.
                  headers:
                    X-Total-Count: {schema: {type: integer}}
                    X-Next-Offset: {schema: {type: integer}}
                  content:
                    application/x-ndjson:
                      schema: {type: string}
                "401": {$ref: "#/components/responses/Error"}
                "403": {$ref: "#/components/responses/Error"}
                "404": {$ref: "#/components/responses/Error"}
                "422": {$ref: "#/components/responses/Error"}
          /v1/jobs/{id}/events:
            parameters:
              - {$ref: "#/components/parameters/JobID"}
            get:
              operationId: jobEvents
              parameters:
                - name: Last-Event-ID
                  in: header
                  required: false
                  schema: {type: string}
              responses:
                "200":
                  description: >
                    Server-sent events: `result` (one per finished video, data = its result line, id = its
                    sequence), then `end` (data = the job) once the job is done, failed or cancelled.
                  content:
                    text/event-stream:
                      schema:
                        type: object
                        properties:
                          event: {type: string, enum: [result, end, shutdown]}
                          data: {type: string}
                          id: {type: string}
                        required: [event, data]
                "401": {$ref: "#/components/responses/Error"}
                "403": {$ref: "#/components/responses/Error"}
                "404": {$ref: "#/components/responses/Error"}
        components:
          securitySchemes:
            bearer: {type: http, scheme: bearer}
          parameters:
            JobID:
              name: id
              in: path
              required: true
              schema: {type: string}
            Offset:
              name: offset
              in: query
              required: false
              schema: {type: integer, minimum: 0, maximum: 2147483647}
            Limit:
              name: limit
              in: query
              required: false
              schema: {type: integer, minimum: 1, maximum: 1000}
          responses:
            Error:
              description: An error naming the field at fault.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}
          schemas:
            JobRequest:
              type: object
              properties:
                pipeline: {type: string, minLength: 1, description: "A served pipeline's YAML name."}
                videos:
                  type: array
                  minItems: 1
                  items:
                    type: string
                    pattern: '^(/|[hH][tT][tT][pP][sS]?://[A-Za-z0-9.-]+(:[0-9]{1,4})?([/?#][!-~]*)?$)'
                    description: >
                      An absolute path (a video file or folder under an allowed root), or an http(s) URL: downloaded once into the
                      server's cache; URLs naming loopback, link-local or private addresses are refused (403) unless allow-listed.
                priority: {type: integer, minimum: -1000, maximum: 1000, description: "Higher runs first (default 0)."}
                slo:
                  type: string
                  pattern: '^([1-9][0-9]{0,4}(\\.[0-9]{1,3})?|0\\.[0-9]{0,2}[1-9])(us|ms|s|min|m|h)$'
                  description: "Per-video latency objective, e.g. 2s or 500ms, counted from the job's acceptance; frames that cannot make it are dropped."
              required: [pipeline, videos]
            JobUpload:
              type: object
              description: Videos uploaded with the job (removed when the job is deleted); the body is capped (--max-upload, else 413).
              properties:
                pipeline: {type: string, minLength: 1, description: "A served pipeline's YAML name."}
                video:
                  type: array
                  minItems: 1
                  items: {type: string, format: binary}
                  description: One file part (with a filename) per video.
                priority: {type: integer, minimum: -1000, maximum: 1000}
                slo:
                  type: string
                  pattern: '^([1-9][0-9]{0,4}(\\.[0-9]{1,3})?|0\\.[0-9]{0,2}[1-9])(us|ms|s|min|m|h)$'
              required: [pipeline, video]
            Job:
              type: object
              properties:
                id: {type: string}
                pipeline: {type: string}
                state: {type: string, enum: [queued, running, done, failed, cancelled]}
                priority: {type: integer}
                slo_seconds: {type: [number, "null"]}
                created_at: {type: string, format: date-time}
                finished_at: {type: [string, "null"], format: date-time}
                counts:
                  type: object
                  properties:
                    ok: {type: integer}
                    failed: {type: integer}
                    running: {type: integer}
                    queued: {type: integer}
                    total: {type: integer}
                  required: [ok, failed, running, queued, total]
                progress: {type: number, minimum: 0, maximum: 1}
              required: [id, pipeline, state, priority, created_at, counts, progress]
            Readiness:
              type: object
              properties:
                status: {type: string}
                pipelines: {type: array, items: {type: string}}
                store: {type: string}
                draining: {type: boolean}
                broker: {type: string, description: "With --broker redis://: ok or unreachable."}
              required: [status, pipelines, store, draining]
            Error:
              type: object
              properties:
                error:
                  type: object
                  properties:
                    field: {type: [string, "null"]}
                    message: {type: string}
                  required: [field, message]
              required: [error]
        """
}
