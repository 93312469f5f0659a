using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.SandboxMode;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

/// <summary>
/// Every class our markup uses is defined in a stylesheet the page loads, and our markup never borrows MudBlazor's
/// internal class names (mud-*; what MudBlazor's components draw is theirs): markup that copies another library's class
/// names stops being styled when that library changes them, and these tests say so instead of a person noticing a
/// broken card after an update.
/// </summary>
public sealed partial class StylesheetTests : DashboardHostTest
{
    private static readonly string[] Pages =
        ["/activations", "/buy", "/wallet", "/history", "/settings/api-key", "/admin/team", "/team/usage", "/team/audit", "/Account/Manage"];

    [Fact]
    public async Task EveryClassThePagesUse_IsDefinedInAStylesheetTheyLoad()
    {
        var (session, userId) = await Host.RegisterAdministratorAsync();
        Assert.True((await Host.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(userId)).Saved);
        // Cards in several states: waiting, with a code, cancelled.
        var purchases = Host.Services.GetRequiredService<Purchases>();
        var telegram = new Service("telegram", "Telegram");
        var pakistan = new Country("PK", "Pakistan");
        var withCode = (await purchases.BuyAsync(userId, Guid.NewGuid(), telegram, pakistan)).Activation!;
        await purchases.BuyAsync(userId, Guid.NewGuid(), telegram, pakistan);
        var cancelled = (await purchases.BuyAsync(userId, Guid.NewGuid(), telegram, pakistan)).Activation!;
        Host.Services.GetRequiredService<SandboxSimulator>().DeliverSms(withCode.UpstreamId!, "Telegram code: 48213");
        Assert.True((await Host.Services.GetRequiredService<OtpWall.Core.Activations.ActivationService>().CancelAsync(userId, cancelled.Id)).Confirmed);
        await Host.Services.GetRequiredService<OtpWall.Core.Activations.ActivationService>().CompleteAsync(userId, withCode.Id); // reads the SMS first

        var undefined = new SortedSet<string>(StringComparer.Ordinal);
        var stylesheets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var signedOut = Host.NewSession();
        foreach (var (who, page) in Pages.Select(p => (session, p)).Append((signedOut, "/Account/Login")))
        {
            var html = await who.GetPageAsync(page);
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match style in InlineStyle().Matches(html)) defined.UnionWith(ClassesDefinedIn(style.Groups[1].Value));
            foreach (Match link in StylesheetLink().Matches(html))
            {
                var href = System.Net.WebUtility.HtmlDecode(link.Groups[1].Value);
                if (!stylesheets.TryGetValue(href, out var classes))
                    stylesheets[href] = classes = ClassesDefinedIn(await who.GetPageAsync(href.StartsWith('/') ? href : "/" + href));
                defined.UnionWith(classes);
            }
            Assert.True(defined.Count > 100, $"{page} loads no stylesheet with classes: {string.Join(", ", stylesheets.Keys)}");
            foreach (Match attribute in ClassAttribute().Matches(html))
                foreach (var name in System.Net.WebUtility.HtmlDecode(attribute.Groups[1].Value).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    if (!defined.Contains(name) && !IsDrawnByALibrary(name)) undefined.Add($"{name} ({page})");
        }

        Assert.True(undefined.Count == 0, "Defined in no stylesheet the page loads: " + string.Join(", ", undefined));
    }

    [Fact]
    public void OurMarkup_NeverWritesMudBlazorsInternalClassNames()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "OtpWall.sln"))) root = root.Parent!;
        var components = Path.Combine(root.FullName, "OtpWall.Dashboard");
        var borrowed = Directory.EnumerateFiles(components, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => MudClassInMarkup().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetRelativePath(components, f)}: {m.Value}"))
            .ToList();

        Assert.True(borrowed.Count == 0, "MudBlazor's class names written by hand: " + string.Join("; ", borrowed));
    }

    // MudBlazor's components draw classes of theirs that their stylesheet leaves undefined (hooks); ASP.NET Core's forms
    // mark fields valid, invalid or modified.
    private static bool IsDrawnByALibrary(string name) =>
        name.StartsWith("mud-", StringComparison.Ordinal) || name.StartsWith("hover:mud-", StringComparison.Ordinal) || name is "valid" or "invalid" or "modified";

    private static HashSet<string> ClassesDefinedIn(string css)
    {
        css = Comment().Replace(css, "");
        // Class selectors only, outside declarations: what stands before each "{".
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match selector in SelectorText().Matches(css))
            foreach (Match name in ClassSelector().Matches(selector.Groups[1].Value))
                names.Add(name.Groups[1].Value.Replace("\\", "", StringComparison.Ordinal));
        return names;
    }

    // A class attribute (or a string that becomes one, in C#) that names a mud-* class.
    [GeneratedRegex(@"[Cc]lass(?:=""|"",\s*\$?"")[^""]*\bmud-[a-z]")]
    private static partial Regex MudClassInMarkup();

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex InlineStyle();

    [GeneratedRegex(@"<link[^>]*rel=""stylesheet""[^>]*href=""([^""]+)""")]
    private static partial Regex StylesheetLink();

    [GeneratedRegex(@"\sclass=""([^""]*)""")]
    private static partial Regex ClassAttribute();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"(?<=^|[{};])\s*([^{};]+)(?=\{)")]
    private static partial Regex SelectorText();

    [GeneratedRegex(@"\.((?:\\.|[_a-zA-Z-])(?:\\.|[_a-zA-Z0-9-])*)")]
    private static partial Regex ClassSelector();
}
