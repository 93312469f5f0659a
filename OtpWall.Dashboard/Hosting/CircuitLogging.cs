using Microsoft.Extensions.Logging;

namespace OtpWall.Dashboard.Hosting;

/// <summary>
/// What a person types into a page travels to the server as a hub call of the page's circuit, and SignalR logs each
/// call with its arguments at Debug: an API key typed on the API key or Team page would be in the log. The categories
/// that see circuit traffic never log below Information here, whatever the configuration asks, for any provider.
/// </summary>
internal static class CircuitLogging
{
    private static readonly string[] CircuitTrafficCategories =
        ["Microsoft.AspNetCore.SignalR", "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.Components.Server"];

    public static IServiceCollection KeepTypedSecretsOutOfLogs(this IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            // Rules that would let those categories log lower go; then, for every provider any rule names (and for all
            // providers), one rule at Information, added last so that it wins over a configured rule of equal weight.
            foreach (var lower in options.Rules.Where(rule => rule.LogLevel is < LogLevel.Information && Touches(rule.CategoryName)).ToList())
                options.Rules.Remove(lower);
            foreach (var provider in options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
                foreach (var category in CircuitTrafficCategories)
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Information, null));
        });

    private static bool Touches(string? category) =>
        category is not null && CircuitTrafficCategories.Any(c => category.StartsWith(c, StringComparison.OrdinalIgnoreCase));
}
