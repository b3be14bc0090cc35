import AppStatus
import Foundation
import Testing

@Suite("ResourceStatus")
struct ResourceStatusTests {
    static let states: [(ResourceState, String)] = [
        (.waiting, "waiting"), (.starting, "starting"), (.running, "running"), (.healthy, "healthy"),
        (.unhealthy, "unhealthy"), (.exited(code: 0), "exited with code 0"), (.exited(code: -3), "exited with code -3"),
        (.killed(signal: "SIGKILL"), "killed by SIGKILL"), (.killed(signal: "signal 42"), "killed by signal 42"),
        (.failed(reason: "command 'x' not found"), "command 'x' not found"),
        (.failed(reason: "not started: dependency 'db' exited with code 3"), "not started: dependency 'db' exited with code 3"),
        (.stopped, "stopped"),
    ]

    @Test("a state is the words up prints, and reads back as the same case")
    func stateWords() throws {
        for (state, words) in Self.states {
            #expect(state.description == words)
            #expect(ResourceState(words) == state)
            let json = try JSONEncoder().encode([state])
            #expect(try JSONDecoder().decode([String].self, from: json) == [words], "one JSON string: the words")
            #expect(try JSONDecoder().decode([ResourceState].self, from: json) == [state])
        }
        #expect(ResourceState("exited with code x") == .failed(reason: "exited with code x"))
        #expect(ResourceState("killed by ") == .failed(reason: "killed by "))
    }

    @Test("health comes from the state and the probe: port readiness shows as port")
    func health() {
        func health(_ state: ResourceState, _ probe: HealthProbe?) -> ResourceHealth? {
            ResourceStatus(name: "a", state: state, healthProbe: probe).health
        }
        #expect(health(.healthy, .http) == .healthy)
        #expect(health(.unhealthy, .exec) == .unhealthy)
        #expect(health(.healthy, .port) == .port)
        #expect(health(.running, .http) == nil)
        #expect(health(.running, nil) == nil)
        #expect(health(.exited(code: 1), .tcp) == nil)
        #expect(ResourceStatus(name: "a", state: .running, healthProbe: .tcp).healthCheck)
        #expect(!ResourceStatus(name: "a", state: .running).healthCheck)
    }

    @Test("the JSON has the control API's keys plus health, and an older status.json still reads")
    func json() throws {
        let resource = ResourceStatus(
            name: "api", type: "project", state: .healthy, pids: [4250], restarts: 1, urls: ["http://localhost:5080"],
            upSince: 1_795_678_725.5, ready: true,
            replicas: [ResourceReplica(name: "api", state: .healthy, pid: 4250, restarts: 1)], healthProbe: .http)
        let data = try JSONEncoder().encode(resource)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "name", "type", "state", "health", "pids", "restarts", "urls", "upSince", "healthCheck", "ready",
                "finished", "stoppedByUser", "replicas", "healthProbe",
            ])
        #expect(object["state"] as? String == "healthy")
        #expect(object["health"] as? String == "healthy")
        #expect(object["healthCheck"] as? Bool == true)
        #expect(try JSONDecoder().decode(ResourceStatus.self, from: data) == resource)

        let plain = try JSONEncoder().encode(ResourceStatus(name: "w", state: .running))
        let plainObject = try #require(try JSONSerialization.jsonObject(with: plain) as? [String: Any])
        #expect(plainObject["health"] is NSNull, "health is null, not absent")
        #expect(plainObject["upSince"] == nil && plainObject["healthProbe"] == nil && plainObject["containers"] == nil)

        let older = #"""
            {"app": "shop", "manifest": "/a/apphost.yaml", "pid": 7, "startedAt": 1.5, "resources": [
              {"name": "db", "type": "redis", "state": "exited with code 3", "pids": [9], "restarts": 0, "urls": [],
               "healthProbe": "tcp"}]}
            """#
        let status = try JSONDecoder().decode(RunStatus.self, from: Data(older.utf8))
        #expect(!status.shuttingDown)
        #expect(status.resources.first?.state == .exited(code: 3))
        #expect(status.resources.first?.healthProbe == .tcp)
    }
}
