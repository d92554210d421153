import ArgumentParser
import FramewiseServer
import Foundation

/// `framewise token create|list|revoke --db PATH`: bearer tokens for `serve`, kept hashed.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the bearer tokens of `framewise serve` (stored as SHA-256 hashes in its database: --db, or --store postgres://...).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Database: ParsableArguments {
        @Option(help: "The server's SQLite database.") var db: String = "framewise.sqlite"
        @Option(help: "The server's PostgreSQL database instead: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.") var store: String?

        /// Opens the store, runs `body` on it and closes it.
        func with<T>(_ body: (any ServerStore) async throws -> T) async throws -> T {
            let repository: any ServerStore
            do {
                if let store {
                    repository = try await PostgresJobRepository(url: try PostgresURL(parsing: store))
                } else {
                    repository = try SQLiteJobRepository(path: db)
                }
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
            do {
                let value = try await body(repository)
                await repository.close()
                return value
            } catch {
                await repository.close()
                throw error
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; prints its secret once, on standard output.")
        @OptionGroup var database: Database
        @Option(help: "A name to know it by (list, revoke).") var name: String = "default"

        func run() async throws {
            let created = try await database.with { try await $0.createToken(name: name) }
            FileHandle.standardError.write(Data("token \(created.token.id) (\(name)) created; its secret is shown only now:\n".utf8))
            print(created.secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids and names; secrets are not stored).")
        @OptionGroup var database: Database

        func run() async throws {
            for token in try await database.with({ try await $0.tokens() }) {
                let state = token.revokedAt.map { "revoked \($0.formatted(Date.ISO8601FormatStyle()))" } ?? "active"
                print("\(token.id)\t\(token.name)\tcreated \(token.createdAt.formatted(Date.ISO8601FormatStyle()))\t\(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id or name; requests with it get 401 at once.")
        @OptionGroup var database: Database
        @Argument(help: "The token's id (or name).") var id: String?
        @Option(help: "The token's name.") var name: String?

        func validate() throws {
            if (id == nil) == (name == nil) { throw ValidationError("give the token's id or --name") }
        }

        func run() async throws {
            let token = id ?? name ?? ""
            guard try await database.with({ try await $0.revokeToken(token) }) else {
                FileHandle.standardError.write(Data("error: no active token \(token)\n".utf8))
                throw ExitCode(1)
            }
            FileHandle.standardError.write(Data("token \(token) revoked\n".utf8))
        }
    }
}
