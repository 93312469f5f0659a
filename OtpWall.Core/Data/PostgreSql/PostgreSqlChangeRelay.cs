using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Data.PostgreSql;

/// <summary>
/// The change bus's transport across replicas (PostgreSQL only): every <see cref="ReplicatedChange"/> published here is
/// written to the change feed (<c>ChangeFeed</c>) as a versioned payload (<see cref="ReplicaEnvelope"/>) and announced
/// with <c>NOTIFY</c>; other replicas <c>LISTEN</c> and publish it on their own bus, where whatever keeps something of it
/// follows (the commit point's effects, vaults, caches, pages). A replica whose listening connection dropped reads what it
/// missed from the feed when it listens again (the feed keeps ten minutes). Sending never holds up whoever published.
/// </summary>
public sealed partial class PostgreSqlChangeRelay(
    IOptions<DatabaseOptions> database,
    DatabaseReadiness readiness,
    ReplicaIdentity replica,
    ChangeBus bus,
    TimeProvider time,
    ILogger<PostgreSqlChangeRelay> logger) : BackgroundService
{
    internal const string Channel = "otpwall_changes";

    /// <summary>How long the feed keeps a change for a replica that was not listening.</summary>
    public static readonly TimeSpan FeedKeeps = TimeSpan.FromMinutes(10);

    private readonly Channel<string> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DatabaseOptions _database = database.Value;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The feed's ids this replica has handled (a change can arrive both by NOTIFY and by catching up) and the highest.
    private readonly ConcurrentDictionary<long, byte> _handled = new();
    private long _lastSeen = -1;
    private DateTimeOffset _prunedAt = DateTimeOffset.MinValue;

    /// <summary>Completes once this replica listens (tests wait for it before they publish elsewhere).</summary>
    public Task Listening => _listening.Task;

    /// <summary>The application name of the listening connection (tests end it to drop the connection).</summary>
    internal string ListenerName => "otpwall-listen-" + replica.Id;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_database.IsPostgreSql) return;
        using var carrying = bus.Carry(change => _outgoing.Writer.TryWrite(new ReplicaEnvelope(ReplicaEnvelope.Version, replica.Id, change).Serialize()));
        try
        {
            await readiness.Ready.WaitAsync(stoppingToken);
            await Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        await foreach (var first in _outgoing.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var connection = new NpgsqlConnection(_database.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                var next = first;
                do
                {
                    // Written to the feed and announced in one statement (NOTIFY is sent when it commits): "id payload".
                    await using var command = new NpgsqlCommand("""
                        WITH added AS (INSERT INTO "ChangeFeed" ("Payload") VALUES ($1) RETURNING "Id")
                        SELECT pg_notify($2, "Id"::text || ' ' || $1) FROM added
                        """, connection) { Parameters = { new() { Value = next }, new() { Value = Channel } } };
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                while (_outgoing.Reader.TryRead(out next));
                if (time.GetUtcNow() - _prunedAt > TimeSpan.FromMinutes(1))
                {
                    await using var prune = new NpgsqlCommand("""DELETE FROM "ChangeFeed" WHERE "At" < now() - $1::interval""", connection)
                        { Parameters = { new() { Value = FeedKeeps } } };
                    await prune.ExecuteNonQueryAsync(stoppingToken);
                    _prunedAt = time.GetUtcNow();
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Pages on other replicas miss this change until their next reload; the poller's resync still finds it.
                LogSendFailed(logger, ex);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = false, KeepAlive = 10, ApplicationName = ListenerName };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                await CatchUpAsync(connection, stoppingToken);
                _listening.TrySetResult();
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    // Listening (again): what the feed holds past the last change handled here was missed while not listening. The first
    // time, this replica has nothing to bring up to date: it starts from the feed's end.
    private async Task CatchUpAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _lastSeen);
        await using var command = last < 0
            ? new NpgsqlCommand("""SELECT COALESCE(MAX("Id"), 0), NULL FROM "ChangeFeed" """, connection)
            : new NpgsqlCommand("""SELECT "Id", "Payload" FROM "ChangeFeed" WHERE "Id" > $1 ORDER BY "Id" """, connection) { Parameters = { new() { Value = last } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(1)) Seen(reader.GetInt64(0));
            else Handle(reader.GetInt64(0), reader.GetString(1));
        }
    }

    private void Receive(string notification)
    {
        var space = notification.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && long.TryParse(notification.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            Handle(id, notification[(space + 1)..]);
    }

    private void Handle(long id, string payload)
    {
        if (!_handled.TryAdd(id, 0)) return;
        Seen(id);
        if (_handled.Count > 20_000)
            foreach (var old in _handled.Keys.Where(k => k < Interlocked.Read(ref _lastSeen) - 10_000)) _handled.TryRemove(old, out _);
        if (ReplicaEnvelope.Read(payload) is not { } change || change.FromReplica == replica.Id) return;
        bus.Receive(change);
        if (change is ActivationCommitted committed) LogReceived(logger, committed.ActivationId.ToString("N", CultureInfo.InvariantCulture));
    }

    private void Seen(long id)
    {
        long last;
        do last = Interlocked.Read(ref _lastSeen);
        while (id > last && Interlocked.CompareExchange(ref _lastSeen, id, last) != last);
    }

    [LoggerMessage(LogLevel.Warning, "A live update could not be sent to the other replicas")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Listening for other replicas' live updates failed; listening again in a second")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Debug, "Activation {ActivationId} changed on another replica")]
    private static partial void LogReceived(ILogger logger, string activationId);
}
