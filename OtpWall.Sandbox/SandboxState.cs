namespace OtpWall.Sandbox;

/// <summary>
/// Everything the simulator knows (accounts, balances, activations and their SMS), for a host that keeps it across
/// restarts (<see cref="SandboxSimulator.Export"/>, <see cref="SandboxSimulator.Import"/>).
/// </summary>
public sealed record SandboxState(long NextId, IReadOnlyList<SandboxState.AccountEntry> Accounts, IReadOnlyList<SandboxState.ActivationEntry> Activations)
{
    public sealed record AccountEntry(string Key, decimal Balance, string Currency);

    public sealed record ActivationEntry(
        string Id, string Key, string Service, string Country, string Number, decimal Price, DateTimeOffset CreatedAt,
        DateTimeOffset ExpiresAt, DateTimeOffset? SmsDueAt, SandboxStatus Status, IReadOnlyList<SandboxSms> Messages);
}

public sealed partial class SandboxSimulator
{
    private long _version;

    /// <summary>Goes up with every change to the simulator's books (a host saves them when it moved).</summary>
    public long Version
    {
        get { lock (_gate) return _version; }
    }

    /// <summary>A copy of everything the simulator knows, as it stands.</summary>
    public SandboxState Export()
    {
        lock (_gate)
        {
            return new SandboxState(
                _nextId,
                [.. _accounts.Select(a => new SandboxState.AccountEntry(a.Key, a.Value.Balance, a.Value.Currency))],
                [.. _activations.Values.Select(a => new SandboxState.ActivationEntry(
                    a.Id, a.Key, a.Service.Code, a.Country.Code, a.Number, a.Price, a.CreatedAt, a.ExpiresAt, a.SmsDueAt, a.Status, [.. a.Messages]))]);
        }
    }

    /// <summary>Takes back what <see cref="Export"/> gave (after a restart): accounts and activations it knows; others stay.</summary>
    public void Import(SandboxState state)
    {
        lock (_gate)
        {
            foreach (var account in state.Accounts) _accounts[account.Key] = new Account(account.Balance, account.Currency);
            foreach (var saved in state.Activations)
            {
                if (SandboxCatalogue.FindService(saved.Service) is not { } service || SandboxCatalogue.FindCountry(saved.Country) is not { } country) continue;
                var activation = new SandboxActivation(
                    saved.Id, saved.Key, service, country, saved.Number, saved.Price, saved.CreatedAt, saved.ExpiresAt, saved.SmsDueAt)
                { Status = saved.Status };
                activation.Messages.AddRange(saved.Messages);
                _activations[saved.Id] = activation;
            }
            _nextId = Math.Max(_nextId, state.NextId);
            _version++;
        }
    }
}
