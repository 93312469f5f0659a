using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Support;

public static class Buying
{
    /// <summary>On the buy page: types into both pickers, picks with Enter, buys, and returns the new activation's row.</summary>
    public static async Task<ILocator> BuyByTypingAsync(this Person person, string service, string serviceOption, string country, string countryOption)
    {
        var page = person.Page;
        await person.GoToAsync("buy");
        await PickAsync(page, "buy-service", service, serviceOption);
        await PickAsync(page, "buy-country", country, countryOption);
        var buy = page.GetByTestId("buy-submit");
        await Expect(buy).ToBeEnabledAsync();
        await buy.ClickAsync();
        await page.WaitForURLAsync("**/activations?bought=**");
        await Person.WaitUntilInteractiveAsync(page);
        var row = page.GetByTestId("activation-row").First;
        await Expect(row).ToHaveAttributeAsync("data-status", "waiting");
        return row;
    }

    /// <summary>Types into a picker, looks until the list is filtered to the wanted option first, then picks it with Enter.</summary>
    public static async Task PickAsync(IPage page, string testId, string typed, string option)
    {
        var input = page.GetByTestId(testId);
        await input.ClickAsync();
        await input.PressSequentiallyAsync(typed, new() { Delay = 40 });
        await Expect(input).ToHaveValueAsync(typed);
        // The option's name, without the team's figures for the pair shown beside it.
        await Expect(page.GetByRole(AriaRole.Option).First.Locator(".picker-item-name")).ToHaveTextAsync(option);
        await input.PressAsync("Enter");
        await Expect(input).ToHaveValueAsync(option);
    }

    public static async Task<string> BalanceAsync(this Person person)
    {
        await person.GoToAsync("wallet");
        var balance = person.Page.GetByTestId("wallet-balance");
        await Expect(balance).ToBeVisibleAsync();
        return (await balance.TextContentAsync())!.Trim();
    }
}
