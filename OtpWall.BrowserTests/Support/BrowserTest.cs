using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace OtpWall.BrowserTests.Support;

/// <summary>
/// A browser test: the people it opens are closed afterwards, and when it fails each of their pages is saved as a
/// screenshot and as HTML under <c>artifacts/browser</c> (CI prints the folder).
/// </summary>
public abstract class BrowserTest(SiteFixture site) : IAsyncLifetime
{
    private readonly List<Person> _people = [];

    protected SiteFixture Site { get; } = site;

    public static string ArtifactsDirectory { get; } = FindArtifactsDirectory();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var person in _people) await person.DisposeAsync();
    }

    protected async Task<Person> PersonAsync(string name, string colorScheme = "light")
    {
        var person = await Person.OpenAsync(Site, $"{name}-{Guid.NewGuid().ToString("N")[..8]}@example.com", colorScheme);
        _people.Add(person);
        return person;
    }

    /// <summary>The same person signed in on a phone (390×844), as a second device.</summary>
    protected async Task<Person> OnAPhoneAsync(Person person)
    {
        var phone = await Person.OpenAsync(Site, person.Email, "light", person.Password, width: 390);
        _people.Add(phone);
        await phone.SignInAsync();
        await phone.Page.WaitForURLAsync("**/activations");
        return phone;
    }

    /// <summary>
    /// The administrator, signed in: on a fresh instance the first journey that asks registers them (the first
    /// account), later ones sign in with the same e-mail.
    /// </summary>
    protected async Task<Person> AdministratorAsync(string colorScheme = "light")
    {
        if (Site.AdministratorEmail is { } email)
        {
            var admin = await Person.OpenAsync(Site, email, colorScheme, Site.AdministratorPassword);
            _people.Add(admin);
            await admin.SignInAsync();
            await admin.Page.WaitForURLAsync("**/activations");
            await Person.WaitUntilInteractiveAsync(admin.Page);
            return admin;
        }
        var first = await PersonAsync("admin", colorScheme);
        await first.Page.GotoAsync("Account/Login");
        await Microsoft.Playwright.Assertions.Expect(first.Page.GetByTestId("first-run")).ToBeVisibleAsync();
        await first.RegisterAsync();
        Site.AdministratorEmail = first.Email;
        return first;
    }

    /// <summary>
    /// A new member, invited by the administrator and registered through the link: no key, nothing bought. The link
    /// comes from the Team service the Team page calls (on an external instance, from the Team page itself); the
    /// journeys about invites click "Create an invite link" themselves.
    /// </summary>
    protected async Task<Person> MemberAsync(string name, string colorScheme = "light")
    {
        if (Site.AdministratorEmail is null) await AdministratorAsync();
        var link = await Site.InviteLinkAsync() ?? await (await AdministratorAsync()).CreateInviteLinkAsync();
        var member = await PersonAsync(name, colorScheme);
        await member.RegisterAsync(link);
        return member;
    }

    /// <summary>A new member with a sandbox key.</summary>
    protected async Task<Person> MemberWithSandboxKeyAsync(string name)
    {
        var member = await MemberAsync(name);
        await member.UseSandboxKeyAsync();
        return member;
    }

    /// <summary>Runs a journey; on failure, keeps what every open page looked like.</summary>
    protected async Task JourneyAsync(Func<Task> journey, [CallerMemberName] string name = "")
    {
        try
        {
            await journey();
            foreach (var person in _people) await person.BlazorErrorBannerIsHiddenAsync();
        }
        catch
        {
            Directory.CreateDirectory(ArtifactsDirectory);
            var index = 0;
            foreach (var page in _people.SelectMany(p => p.Context.Pages))
            {
                var file = Path.Combine(ArtifactsDirectory, $"{name}-{index++}");
                try
                {
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = file + ".png", FullPage = true });
                    await File.WriteAllTextAsync(file + ".html", await page.ContentAsync());
                }
                catch (PlaywrightException)
                {
                }
            }
            throw;
        }
    }

    private static string FindArtifactsDirectory()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "OtpWall.sln"))) folder = folder.Parent;
        return Path.Combine(folder?.FullName ?? AppContext.BaseDirectory, "artifacts", "browser");
    }
}
