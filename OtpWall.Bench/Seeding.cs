using Microsoft.AspNetCore.Identity;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using OtpWall.Core;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;

namespace OtpWall.Bench;

/// <summary>
/// People, keys and open activations, made through the product's own services (registration, the key vault, purchases)
/// in the data folder the dashboard then runs on. The poller is not started here: only the dashboard polls.
/// </summary>
internal sealed class Seeding : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private static readonly (string Service, string Country)[] Pairs =
        [("telegram", "PK"), ("whatsapp", "IN"), ("google", "US"), ("discord", "DE"), ("facebook", "BR"), ("instagram", "ID")];
    private readonly ServiceProvider _services;
    private readonly HttpClient _control;

    private Seeding(ServiceProvider services, HttpClient control) => (_services, _control) = (services, control);

    public static async Task<Seeding> OpenAsync(string dataDirectory, Uri sandboxRoot, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        var configuration = new Dictionary<string, string?>
        {
            ["OtpWall:DataDirectory"] = dataDirectory,
            ["OtpWall:Upstream:BaseUrl"] = new Uri(sandboxRoot, "sandbox/v1").ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddSingleton<IHostEnvironment>(new BenchEnvironment(dataDirectory));
        services.AddLogging();
        services.AddOtpWallCore();
        services.AddIdentityCore<ApplicationUser>().AddOtpWallAccountRules();
        var provider = services.BuildServiceProvider();
        await provider.PrepareOtpWallDatabaseAsync();
        return new Seeding(provider, new HttpClient { BaseAddress = new Uri(sandboxRoot, "sandbox/control/") });
    }

    /// <summary><paramref name="people"/> people with a key each, and <paramref name="activations"/> open numbers among them.</summary>
    public async Task<IReadOnlyList<(string Email, string UserId)>> PeopleWithNumbersAsync(int people, int activations)
    {
        var registration = _services.GetRequiredService<RegistrationService>();
        var made = new List<(string, string)>();
        for (var i = 0; i < people; i++)
        {
            var email = $"bench-{i}-{Guid.NewGuid().ToString("N")[..6]}@example.com";
            var user = (await registration.RegisterAsync(email, Password, null)).User ?? throw new InvalidOperationException("Registration failed.");
            if (i == 0 && await registration.GetPolicyAsync() != RegistrationPolicy.Open) await registration.SetPolicyAsync(user.Id, RegistrationPolicy.Open);
            var account = await (await _control.PostAsJsonAsync("keys", new { balance = 100_000m })).Content.ReadFromJsonAsync<AccountAnswer>();
            await _services.GetRequiredService<ApiKeyVault>().SaveAsync(user.Id, OtpWallApiKey.Parse(account!.Key));
            made.Add((email, user.Id));
        }
        var buyer = _services.GetRequiredService<Purchases>();
        await Parallel.ForEachAsync(Enumerable.Range(0, people), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (person, cancellationToken) =>
        {
            for (var n = person; n < activations; n += people)
            {
                var (service, country) = Pairs[n % Pairs.Length];
                var bought = await buyer.BuyAsync(made[person].Item2, Guid.NewGuid(), new Service(service, service), new Country(country, country), cancellationToken: cancellationToken);
                if (bought.Outcome != BuyOutcome.Bought) throw new InvalidOperationException("A seeding purchase failed: " + bought.Message);
            }
        });
        return made;
    }

    /// <summary>For each person: a personal API token (buy and manage) and the dashboard's id of one of their open numbers, with OTPWALL's.</summary>
    public async Task<IReadOnlyList<(string Token, Guid ActivationId, string UpstreamId)>> ScriptsAsync(IEnumerable<string> userIds)
    {
        var tokens = _services.GetRequiredService<OtpWall.Core.ApiTokens.ApiTokenService>();
        await using var db = await _services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var scripts = new List<(string, Guid, string)>();
        foreach (var userId in userIds)
        {
            var created = (await tokens.CreateAsync(userId, "bench script", OtpWall.Core.ApiTokens.ApiTokenLifetime.Days30, OtpWall.Core.ApiTokens.ApiTokenScope.Buy)).Value
                ?? throw new InvalidOperationException("A token could not be created.");
            var activation = db.Activations.Where(a => a.UserId == userId && a.UpstreamId != null).OrderBy(a => a.CreatedAt).Select(a => new { a.Id, a.UpstreamId }).First();
            scripts.Add((created.Value, activation.Id, activation.UpstreamId!));
        }
        return scripts;
    }

    /// <summary>The team's bot, the person's Telegram linked to <paramref name="chatId"/>, and their webhook to <paramref name="webhook"/>.</summary>
    public async Task NotificationsAsync(string userId, string botToken, long chatId, Uri webhook)
    {
        var telegram = _services.GetRequiredService<OtpWall.Core.Notifications.Telegram.TelegramService>();
        var admin = _services.GetRequiredService<UserManager<ApplicationUser>>().Users.First().Id;
        if ((await telegram.SaveBotAsync(admin, botToken)).Refusal is { } refused) throw new InvalidOperationException(refused.Message);
        var link = (await telegram.StartLinkAsync(userId)).Value!.Link;
        await telegram.CompleteLinkAsync(link.Query[(link.Query.IndexOf('=', StringComparison.Ordinal) + 1)..], chatId, "@bench");
        var (_, refusal) = await _services.GetRequiredService<OtpWall.Core.Notifications.WebhookService>()
            .SaveAsync(userId, webhook.ToString(), [OtpWall.Core.Notifications.NotificationEvents.CodeReceived]);
        if (refusal is not null) throw new InvalidOperationException(refusal.Message);
    }

    /// <summary>The person's open numbers: the dashboard's id and OTPWALL's.</summary>
    public async Task<List<(Guid Id, string UpstreamId)>> OpenNumbersAsync(string userId)
    {
        await using var db = await _services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return [.. db.Activations.Where(a => a.UserId == userId && a.UpstreamId != null).OrderBy(a => a.CreatedAt).Select(a => new { a.Id, a.UpstreamId })
            .AsEnumerable().Select(a => (a.Id, a.UpstreamId!))];
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _control.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private sealed record AccountAnswer(string Key);

    private sealed class BenchEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "OtpWall.Bench";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
