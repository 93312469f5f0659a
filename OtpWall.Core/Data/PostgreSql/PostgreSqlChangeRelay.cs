using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OtpWall.Core.Activations.Changes;

namespace OtpWall.Core.Data.PostgreSql;

/// <summary>
/// Live updates across replicas (PostgreSQL only): each activation change committed in this process (it is one of the
/// commit point's effects), and each change of a person's key or of the team key, is sent with <c>NOTIFY</c>; what other
/// replicas send is received with <c>LISTEN</c>: activation changes go to the effects that keep something here (pages
/// open here, the poller when this replica polls, the wallet's reading, insights), key changes drop what this process
/// keeps of the key (decrypted copies, balance readings). A notification carries ids
/// only (replica, user, activation), never a number, a code or a key. Sending never holds up whoever published.
/// </summary>
public sealed partial class PostgreSqlChangeRelay(
    IOptions<DatabaseOptions> database,
    DatabaseReadiness readiness,
    ReplicaIdentity replica,
    ActivationCommits commits,
    ApiKeys.ApiKeyVault keys,
    ApiKeys.TeamKeyVault teamKey,
    Wallet.WalletService wallet,
    ILogger<PostgreSqlChangeRelay> logger) : BackgroundService, IActivationEffect
{
    internal const string Channel = "otpwall_activations";
    private readonly Channel<string> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DatabaseOptions _database = database.Value;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this replica listens (tests wait for it before they publish elsewhere).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_database.IsPostgreSql) return;
        keys.KeysChangedHere += SendKeyChange;
        teamKey.ChangedHere += SendTeamKeyChange;
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
        }
    }

    /// <summary>A change committed here that pages show is sent to the other replicas.</summary>
    public Task ApplyAsync(ActivationChanged change)
    {
        if (_database.IsPostgreSql && change.IsLocal && change.Changed)
            _outgoing.Writer.TryWrite(string.Join('|', "a", replica.Id, change.UserId, change.ActivationId.ToString("N"), change.CodeArrived ? "1" : "0"));
        return Task.CompletedTask;
    }

    private void SendKeyChange(string userId) => _outgoing.Writer.TryWrite(string.Join('|', "k", replica.Id, userId));

    private void SendTeamKeyChange() => _outgoing.Writer.TryWrite(string.Join('|', "t", replica.Id));

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        await foreach (var payload in _outgoing.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var connection = new NpgsqlConnection(_database.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                var next = payload;
                do
                {
                    await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection) { Parameters = { new() { Value = Channel }, new() { Value = next } } };
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                while (_outgoing.Reader.TryRead(out next));
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
                var builder = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = false, KeepAlive = 10 };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
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

    private void Receive(string payload)
    {
        var parts = payload.Split('|');
        if (parts.Length < 2 || parts[1] == replica.Id) return;
        switch (parts)
        {
            case ["a", _, var userId, var id, var code] when Guid.TryParseExact(id, "N", out var activationId):
                // To what this process keeps of it: the pages open here, the poller, the wallet's reading (the balance moved
                // with it), insights. Never waits: the effects called for another replica's change do not.
                _ = commits.FromOtherReplicaAsync(userId, activationId, code == "1");
                LogReceived(logger, activationId.ToString("N", CultureInfo.InvariantCulture));
                break;
            case ["k", _, var userId]:
                wallet.Forget(userId);
                keys.ChangedElsewhere(userId);
                break;
            case ["t", _]:
                wallet.Forget(ApiKeys.TeamKeyVault.Account);
                teamKey.ChangedElsewhere();
                break;
        }
    }

    [LoggerMessage(LogLevel.Warning, "A live update could not be sent to the other replicas")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Listening for other replicas' live updates failed; listening again in a second")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Debug, "Activation {ActivationId} changed on another replica")]
    private static partial void LogReceived(ILogger logger, string activationId);
}
