using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Changes;

namespace OtpWall.Core.Data.PostgreSql;

/// <summary>
/// One change, as it travels between replicas: a kind and ids, never a number, a code or a key. <see cref="V"/> is the
/// payload's version: a replica ignores a version it does not know (during a rolling update, for instance).
/// </summary>
internal sealed record ReplicaChange(int V, string Kind, string Replica, string? User = null, Guid? Activation = null, bool Code = false,
    string? Session = null, string? Kept = null)
{
    public const int Version = 1;
    public const string ActivationKind = "activation";
    public const string KeysKind = "keys";
    public const string TeamKeyKind = "team-key";
    public const string PreferencesKind = "preferences";
    public const string SessionsEndedKind = "sessions-ended";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(ReplicaChange))]
internal sealed partial class ReplicaChangeJson : JsonSerializerContext;

/// <summary>
/// Changes across replicas (PostgreSQL only): each activation change committed here (the relay is one of the commit
/// point's effects), each change of a person's key, of the team key or of a person's choices, and each ended session is
/// written to the change feed (<c>ChangeFeed</c>) and announced with <c>NOTIFY</c>; other replicas <c>LISTEN</c> and hand
/// it to what they keep of it: activation changes to the commit point's effects for another replica's change (pages,
/// the poller, the wallet's reading, insights), key changes to the vaults and balances, choices to the app bar, ended
/// sessions to the tabs signed in with them. A replica whose listening connection dropped reads what it missed from the
/// feed when it listens again (the feed keeps ten minutes). Sending never holds up whoever changed something.
/// </summary>
public sealed partial class PostgreSqlChangeRelay(
    IOptions<DatabaseOptions> database,
    DatabaseReadiness readiness,
    ReplicaIdentity replica,
    ActivationCommits commits,
    ApiKeys.ApiKeyVault keys,
    ApiKeys.TeamKeyVault teamKey,
    BuyPreferences preferences,
    SessionRegistry sessions,
    Wallet.WalletService wallet,
    TimeProvider time,
    ILogger<PostgreSqlChangeRelay> logger) : BackgroundService, IActivationEffect
{
    internal const string Channel = "otpwall_changes";

    /// <summary>How long the feed keeps a change for a replica that was not listening.</summary>
    public static readonly TimeSpan FeedKeeps = TimeSpan.FromMinutes(10);

    private readonly Channel<ReplicaChange> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<ReplicaChange>(new UnboundedChannelOptions { SingleReader = true });
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
        keys.KeysChangedHere += SendKeyChange;
        teamKey.ChangedHere += SendTeamKeyChange;
        preferences.ChangedHere += SendPreferencesChange;
        sessions.EndedHere += SendSessionsEnded;
        try
        {
            await readiness.Ready.WaitAsync(stoppingToken);
            await Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            keys.KeysChangedHere -= SendKeyChange;
            teamKey.ChangedHere -= SendTeamKeyChange;
            preferences.ChangedHere -= SendPreferencesChange;
            sessions.EndedHere -= SendSessionsEnded;
        }
    }

    /// <summary>A change committed here that pages show is sent to the other replicas.</summary>
    public Task ApplyAsync(ActivationChanged change)
    {
        if (_database.IsPostgreSql && change.IsLocal && change.Changed)
            Send(new(ReplicaChange.Version, ReplicaChange.ActivationKind, replica.Id, change.UserId, change.ActivationId, change.CodeArrived));
        return Task.CompletedTask;
    }

    private void SendKeyChange(string userId) => Send(new(ReplicaChange.Version, ReplicaChange.KeysKind, replica.Id, userId));

    private void SendTeamKeyChange() => Send(new(ReplicaChange.Version, ReplicaChange.TeamKeyKind, replica.Id));

    private void SendPreferencesChange(string userId) => Send(new(ReplicaChange.Version, ReplicaChange.PreferencesKind, replica.Id, userId));

    private void SendSessionsEnded(SessionsEnded ended) =>
        Send(new(ReplicaChange.Version, ReplicaChange.SessionsEndedKind, replica.Id, ended.UserId, Session: ended.SessionId, Kept: ended.Kept));

    private void Send(ReplicaChange change) => _outgoing.Writer.TryWrite(change);

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
                        """, connection) { Parameters = { new() { Value = JsonSerializer.Serialize(next, ReplicaChangeJson.Default.ReplicaChange) }, new() { Value = Channel } } };
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
        ReplicaChange? change;
        try
        {
            change = JsonSerializer.Deserialize(payload, ReplicaChangeJson.Default.ReplicaChange);
        }
        catch (JsonException)
        {
            change = null;
        }
        if (change is null || change.V != ReplicaChange.Version || change.Replica == replica.Id) return;
        switch (change)
        {
            case { Kind: ReplicaChange.ActivationKind, User: { } userId, Activation: { } activationId }:
                _ = commits.FromOtherReplicaAsync(userId, activationId, change.Code);
                LogReceived(logger, activationId.ToString("N", CultureInfo.InvariantCulture));
                break;
            case { Kind: ReplicaChange.KeysKind, User: { } userId }:
                wallet.Forget(userId);
                keys.ChangedElsewhere(userId);
                break;
            case { Kind: ReplicaChange.TeamKeyKind }:
                wallet.Forget(ApiKeys.TeamKeyVault.Account);
                teamKey.ChangedElsewhere();
                break;
            case { Kind: ReplicaChange.PreferencesKind, User: { } userId }:
                preferences.ChangedElsewhere(userId);
                break;
            case { Kind: ReplicaChange.SessionsEndedKind, User: { } userId }:
                sessions.EndedElsewhere(new SessionsEnded(userId, change.Session, change.Kept));
                break;
        }
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
