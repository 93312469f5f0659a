using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OtpWall.Core.Data;

/// <summary>
/// Named gates that one holder at a time passes: a person's purchase, purchases with the team key, the first
/// registration. With SQLite there is one server process, so they are in its memory; with PostgreSQL several replicas
/// share the database, so a gate is a session advisory lock held on a connection of its own: every replica sees it,
/// and it is released when the holder lets go or its process dies (the connection closes).
/// </summary>
public sealed class DatabaseGates(IOptions<DatabaseOptions> database)
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(40);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _local = new(StringComparer.Ordinal);
    private readonly DatabaseOptions _database = database.Value;

    /// <summary>Passes the gate if nobody holds it now; null when someone does. Dispose the result to let go.</summary>
    public Task<IAsyncDisposable?> TryEnterAsync(string name, CancellationToken cancellationToken = default) =>
        EnterAsync(name, TimeSpan.Zero, cancellationToken);

    /// <summary>Waits up to <paramref name="wait"/> for the gate; null when it stayed taken. Dispose the result to let go.</summary>
    public async Task<IAsyncDisposable?> EnterAsync(string name, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        if (!_database.IsPostgreSql)
        {
            var gate = _local.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
            return await gate.WaitAsync(wait, cancellationToken) ? new LocalPass(gate) : null;
        }

        var key = KeyOf(name);
        var connection = new NpgsqlConnection(_database.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var deadline = DateTime.UtcNow + wait;
            while (true)
            {
                await using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } })
                    if (await command.ExecuteScalarAsync(cancellationToken) is true)
                        return new DatabasePass(connection, key);
                if (DateTime.UtcNow >= deadline) break;
                await Task.Delay(RetryEvery, cancellationToken);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>The advisory lock key of a gate: the first 8 bytes of its name's SHA-256 (stable across processes and builds).</summary>
    internal static long KeyOf(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("otpwall:" + name)));

    private sealed class LocalPass(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class DatabasePass(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The connection broke: the server released the lock with it.
            }
            finally
            {
                // Back to the pool: Npgsql resets a returned connection (DISCARD ALL), which drops any lock left on it.
                await connection.DisposeAsync();
            }
        }
    }
}

/// <summary>This process among the replicas: who holds the poller's lease, where a live update came from.</summary>
public sealed class ReplicaIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
