using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;

namespace OtpWall.Core.Activations.Purchasing;

/// <summary>A saved buying rule: a service, countries in order and an optional price ceiling, a person's or the team's.</summary>
public sealed class BuyRule
{
    public Guid Id { get; set; }

    /// <summary>The person it belongs to; null for a rule an administrator saved for the whole team.</summary>
    public string? UserId { get; set; }

    public required string Name { get; set; }

    public required string Service { get; set; }

    public required string ServiceName { get; set; }

    /// <summary>The countries in order, as JSON (<c>[{"code":"GB","name":"United Kingdom"}, …]</c>).</summary>
    public required string CountriesJson { get; set; }

    public decimal? Ceiling { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public const int NameMaxLength = 40;
}

/// <summary>A rule as Buy shows it.</summary>
public sealed record BuyRuleView(Guid Id, string Name, Service Service, IReadOnlyList<Country> Countries, decimal? Ceiling, bool ForTeam)
{
    /// <summary>"Telegram in United Kingdom, then Netherlands, then Germany, at most 0.80".</summary>
    public string Describe() =>
        $"{Service.Name} in {string.Join(", then ", Countries.Select(c => c.Name))}{(Ceiling is { } most ? $", at most {most:0.00}" : "")}";
}

/// <summary>Saved buying rules: each person's own, and the team's (saved and removed by administrators only).</summary>
public sealed class BuyRules(IDbContextFactory<OtpWallDbContext> databases, TimeProvider time)
{
    public const int MaxPerOwner = 20;

    /// <summary>The team's rules, then the person's own, each by name.</summary>
    public async Task<IReadOnlyList<BuyRuleView>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.BuyRules.AsNoTracking().Where(r => r.UserId == null || r.UserId == userId).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.UserId is not null).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(View)];
    }

    /// <summary>Saves a rule under its name (a rule of the same name in the same place is replaced).</summary>
    public async Task<Refusal?> SaveAsync(
        string userId, string? name, Service service, IReadOnlyList<Country> countries, decimal? ceiling, bool forTeam, CancellationToken cancellationToken = default)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return new Refusal("Give the rule a name, for example \"Telegram, Europe\".");
        if (trimmed.Length > BuyRule.NameMaxLength) return new Refusal($"A rule's name is at most {BuyRule.NameMaxLength} characters.");
        if (countries.Count is 0 or > FallbackPurchases.MaxCountries) return new Refusal($"A rule has 1 to {FallbackPurchases.MaxCountries} countries.");
        if (ceiling is <= 0) return new Refusal("The most a number may cost is an amount above 0.");
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (forTeam && !await Administrators.Ids(db).ContainsAsync(userId, cancellationToken))
            return new Refusal("Only an administrator can save a rule for the whole team.");
        var owner = forTeam ? null : userId;
        var existing = await db.BuyRules.Where(r => r.UserId == owner).ToListAsync(cancellationToken);
        var rule = existing.FirstOrDefault(r => string.Equals(r.Name, trimmed, StringComparison.OrdinalIgnoreCase));
        if (rule is null)
        {
            if (existing.Count >= MaxPerOwner) return new Refusal($"There are {MaxPerOwner} rules already. Remove one first.");
            rule = new BuyRule { Id = Guid.NewGuid(), UserId = owner, Name = trimmed, Service = "", ServiceName = "", CountriesJson = "[]", CreatedAt = time.GetUtcNow() };
            db.BuyRules.Add(rule);
        }
        (rule.Name, rule.Service, rule.ServiceName, rule.Ceiling) = (trimmed, service.Code, service.Name, ceiling);
        rule.CountriesJson = JsonSerializer.Serialize(countries.Select(c => new StoredCountry(c.Code, c.Name)).ToArray(), StoredCountriesJson.Default.StoredCountryArray);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Removes one of the person's rules, or (an administrator) one of the team's.</summary>
    public async Task<Refusal?> RemoveAsync(string userId, Guid ruleId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rule = await db.BuyRules.SingleOrDefaultAsync(r => r.Id == ruleId && (r.UserId == userId || r.UserId == null), cancellationToken);
        if (rule is null) return new Refusal("This rule does not exist any more.");
        if (rule.UserId is null && !await Administrators.Ids(db).ContainsAsync(userId, cancellationToken))
            return new Refusal("Only an administrator can remove a rule of the whole team.");
        db.BuyRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private static BuyRuleView View(BuyRule rule) => new(rule.Id, rule.Name, new Service(rule.Service, rule.ServiceName),
        [.. (JsonSerializer.Deserialize(rule.CountriesJson, StoredCountriesJson.Default.StoredCountryArray) ?? []).Select(c => new Country(c.Code, c.Name))],
        rule.Ceiling, rule.UserId is null);
}

internal sealed record StoredCountry(string Code, string Name);

[System.Text.Json.Serialization.JsonSerializable(typeof(StoredCountry[]))]
internal sealed partial class StoredCountriesJson : System.Text.Json.Serialization.JsonSerializerContext;
