// Generated from proto/metrics.proto by scripts/generate.ts; do not edit by hand.
// A test checks it still matches the .proto file.
export const descriptor = {
  "nested": {
    "slab": {
      "nested": {
        "v1": {
          "nested": {
            "MetricPoint": {
              "fields": {
                "step": {
                  "type": "uint64",
                  "id": 1
                },
                "name": {
                  "type": "string",
                  "id": 2
                },
                "value": {
                  "type": "double",
                  "id": 3
                },
                "wallTime": {
                  "type": "double",
                  "id": 4,
                  "protoName": "wall_time"
                }
              }
            },
            "MetricFrame": {
              "fields": {
                "sweepId": {
                  "type": "string",
                  "id": 1,
                  "protoName": "sweep_id"
                },
                "trialId": {
                  "type": "string",
                  "id": 2,
                  "protoName": "trial_id"
                },
                "seq": {
                  "type": "uint64",
                  "id": 3
                },
                "points": {
                  "rule": "repeated",
                  "type": "MetricPoint",
                  "id": 4
                },
                "attempt": {
                  "type": "uint32",
                  "id": 5
                }
              }
            },
            "TrialEvent": {
              "fields": {
                "sweepId": {
                  "type": "string",
                  "id": 1,
                  "protoName": "sweep_id"
                },
                "trialId": {
                  "type": "string",
                  "id": 2,
                  "protoName": "trial_id"
                },
                "seq": {
                  "type": "uint64",
                  "id": 3
                },
                "status": {
                  "type": "string",
                  "id": 4
                },
                "infoJson": {
                  "type": "string",
                  "id": 5,
                  "protoName": "info_json"
                },
                "wallTime": {
                  "type": "double",
                  "id": 6,
                  "protoName": "wall_time"
                },
                "attempt": {
                  "type": "uint32",
                  "id": 7
                }
              }
            },
            "Hello": {
              "fields": {
                "token": {
                  "type": "string",
                  "id": 1
                },
                "workerId": {
                  "type": "string",
                  "id": 2,
                  "protoName": "worker_id"
                }
              }
            },
            "ClientFrame": {
              "oneofs": {
                "body": {
                  "oneof": [
                    "hello",
                    "metrics",
                    "event",
                    "subscribe",
                    "open"
                  ]
                }
              },
              "fields": {
                "hello": {
                  "type": "Hello",
                  "id": 1
                },
                "metrics": {
                  "type": "MetricFrame",
                  "id": 2
                },
                "event": {
                  "type": "TrialEvent",
                  "id": 3
                },
                "subscribe": {
                  "type": "Subscribe",
                  "id": 4
                },
                "open": {
                  "type": "OpenTrial",
                  "id": 5
                }
              }
            },
            "OpenTrial": {
              "fields": {
                "sweepId": {
                  "type": "string",
                  "id": 1,
                  "protoName": "sweep_id"
                },
                "trialId": {
                  "type": "string",
                  "id": 2,
                  "protoName": "trial_id"
                },
                "attempt": {
                  "type": "uint32",
                  "id": 3
                }
              }
            },
            "Ack": {
              "fields": {
                "trialId": {
                  "type": "string",
                  "id": 1,
                  "protoName": "trial_id"
                },
                "seq": {
                  "type": "uint64",
                  "id": 2
                }
              }
            },
            "Subscribe": {
              "fields": {
                "sweepId": {
                  "type": "string",
                  "id": 1,
                  "protoName": "sweep_id"
                }
              }
            },
            "LiveUpdate": {
              "oneofs": {
                "body": {
                  "oneof": [
                    "metrics",
                    "event",
                    "fitJson",
                    "sweepJson"
                  ]
                }
              },
              "fields": {
                "sweepId": {
                  "type": "string",
                  "id": 1,
                  "protoName": "sweep_id"
                },
                "metrics": {
                  "type": "MetricFrame",
                  "id": 2
                },
                "event": {
                  "type": "TrialEvent",
                  "id": 3
                },
                "fitJson": {
                  "type": "string",
                  "id": 4,
                  "protoName": "fit_json"
                },
                "sweepJson": {
                  "type": "string",
                  "id": 5,
                  "protoName": "sweep_json"
                }
              }
            },
            "Error": {
              "fields": {
                "message": {
                  "type": "string",
                  "id": 1
                },
                "trialId": {
                  "type": "string",
                  "id": 2,
                  "protoName": "trial_id"
                },
                "code": {
                  "type": "string",
                  "id": 3
                },
                "attempt": {
                  "type": "uint32",
                  "id": 4
                }
              }
            },
            "ServerFrame": {
              "oneofs": {
                "body": {
                  "oneof": [
                    "ack",
                    "update",
                    "error"
                  ]
                }
              },
              "fields": {
                "ack": {
                  "type": "Ack",
                  "id": 1
                },
                "update": {
                  "type": "LiveUpdate",
                  "id": 2
                },
                "error": {
                  "type": "Error",
                  "id": 3
                }
              }
            }
          }
        }
      }
    }
  }
};
